package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ServerConfig.streamWindowSize}: the stream window the server announces
 * (SETTINGS_INITIAL_WINDOW_SIZE), the connection window the body budget
 * ({@code maxConcurrentStreams} of them and {@code maxBodySize}, at most 2^31-1), a streamed body
 * of many windows read whole under either bound of the setting, a handler that does not read
 * holding its client at that window and no more, and the bounds refused when the config is built.
 */
@Timeout(60)
class Http2StreamWindowTest {
  private static final int PROTOCOL_WINDOW = 65_535; // RFC 9113 6.9.2: every window before SETTINGS
  private static final int FRAME = 16_384;

  private static ServerConfig.Builder h2c(int window) {
    return ServerConfig.builder().h2c(true).streamWindowSize(window);
  }

  private static App hello() {
    return App.builder().get("/hello", req -> Response.text("hello")).build();
  }

  /** The server's SETTINGS_INITIAL_WINDOW_SIZE and its connection WINDOW_UPDATE, as a raw client reads them. */
  private static int[] announced(int port) throws Exception {
    try (RawH2 raw = new RawH2(port)) {
      RawH2.Frame settings = raw.await(f -> f.type() == RawH2.SETTINGS && (f.flags() & RawH2.ACK) == 0, 10);
      assertThat(settings).as("the server's SETTINGS").isNotNull();
      int window = settings.setting(4); // SETTINGS_INITIAL_WINDOW_SIZE
      RawH2.Frame widened = raw.await(f -> f.type() == RawH2.WINDOW_UPDATE && f.stream() == 0, 10);
      assertThat(widened).as("the connection's window widened").isNotNull();
      return new int[] {window, ByteBuffer.wrap(widened.payload()).getInt()};
    }
  }

  @Test
  void theSettingsCarryTheConfiguredWindowAndTheConnectionWindowIsTheBodyBudget() throws Exception {
    try (TestClient server = TestClient.start(hello(), ServerConfig.builder().h2c(true))) {
      assertThat(announced(server.port())).as("the default: 256 KiB, the connection 100 of them and 10 MiB")
          .containsExactly(256 * 1024, 100 * 256 * 1024 + (10 << 20) - PROTOCOL_WINDOW);
    }
    for (int window : new int[] {PROTOCOL_WINDOW, 4 << 20, Integer.MAX_VALUE}) {
      try (TestClient server = TestClient.start(hello(), h2c(window))) {
        long connection = Math.min(Integer.MAX_VALUE, 100L * window + (10 << 20));
        assertThat(announced(server.port())).as("stream window " + window)
            .containsExactly(window, (int) (connection - PROTOCOL_WINDOW));
      }
    }
  }

  /** Netty's client keeps to the windows: five windows' worth reach the handler whole, one window held at most. */
  @Test
  void aBodyOfManyLargeWindowsArrivesWhole() throws Exception {
    int window = 4 << 20;
    HashedUpload.assertArrivesWhole(h2c(window), HashedUpload.bytes(5 * window), window);
  }

  /** The least window, not a power of two: the reads go back in batches of half of it (32767 bytes). */
  @Test
  void aBodyOfManyOfTheLeastWindowsArrivesWhole() throws Exception {
    HashedUpload.assertArrivesWhole(h2c(PROTOCOL_WINDOW), HashedUpload.bytes(16 * PROTOCOL_WINDOW + 12_345),
        PROTOCOL_WINDOW);
  }

  /**
   * With a window larger than the default, a handler that does not read still holds only its own
   * stream: the client stops at exactly that window, no WINDOW_UPDATE for it, the connection's
   * window wide enough for the others, another stream served; once it reads, the window opens again.
   */
  @Test
  void aHandlerThatDoesNotReadHoldsItsClientAtTheConfiguredWindowOnly() throws Exception {
    int window = 1 << 20;
    AtomicReference<InputStream> body = new AtomicReference<>();
    CountDownLatch mayRead = new CountDownLatch(1);
    App app = App.builder()
        .route("POST", "/slow", RouteOptions.defaults().streamedBody(1L << 30), (BlockingHandler) req -> {
          body.set(req.bodyStream());
          try {
            mayRead.await();
            return Response.text("read " + req.bodyStream().readAllBytes().length);
          } catch (InterruptedException | IOException e) {
            throw new IllegalStateException(e);
          }
        })
        .route("POST", "/whole", RouteOptions.defaults(), (BlockingHandler) req -> Response.text("whole " + req.body().length))
        .build();
    try (TestClient server = TestClient.start(app, h2c(window)); RawH2 raw = new RawH2(server.port())) {
      raw.awaitServerSettings(); // the configured window is in force for what follows
      raw.headers(1, RawH2.request("POST", "/slow"), false);
      for (int sent = 0; sent < window; sent += FRAME) {
        raw.data(1, new byte[Math.min(FRAME, window - sent)], false);
      }
      Await.until(() -> body.get() != null && available(body.get()) == window, "the window's bytes held for the handler");
      raw.frame(RawH2.PING, 0, 0, new byte[8]);
      List<RawH2.Frame> seen = raw.until(f -> f.type() == RawH2.PING && (f.flags() & RawH2.ACK) != 0, 10);
      assertThat(seen).as("frames up to the PING's ack").isNotEmpty()
          .last().extracting(RawH2.Frame::type).isEqualTo(RawH2.PING);
      assertThat(seen).as("no window given back to the stream while its handler has not read")
          .noneMatch(f -> f.type() == RawH2.WINDOW_UPDATE && f.stream() == 1);
      raw.headers(3, RawH2.request("POST", "/whole"), false);
      raw.data(3, new byte[FRAME], true);
      RawH2.Frame other = raw.answer(3, 10);
      assertThat(other.type()).isEqualTo(RawH2.HEADERS);
      assertThat(other.headers().status().toString()).isEqualTo("200");
      mayRead.countDown();
      RawH2.Frame update = raw.await(f -> f.type() == RawH2.WINDOW_UPDATE && f.stream() == 1, 10);
      assertThat(update).as("WINDOW_UPDATE once the handler read").isNotNull();
      assertThat(ByteBuffer.wrap(update.payload()).getInt()).as("at least half the window back at once")
          .isGreaterThanOrEqualTo(window / 2);
      raw.data(1, "end".getBytes(StandardCharsets.US_ASCII), true);
      RawH2.Frame answer = raw.answer(1, 10);
      assertThat(answer.headers().status().toString()).isEqualTo("200");
    }
  }

  private static int available(InputStream in) {
    try {
      return in.available();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aWindowBelowTheProtocolsInitialOneIsRefusedNamingTheSettingAndTheBound() {
    for (int bad : new int[] {PROTOCOL_WINDOW - 1, FRAME, 0, -1}) {
      assertThatThrownBy(() -> ServerConfig.builder().streamWindowSize(bad).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("streamWindowSize must be 65535..2147483647 bytes (HTTP/2 SETTINGS_INITIAL_WINDOW_SIZE,"
              + " at least the protocol's initial window): " + bad);
    }
    assertThat(ServerConfig.defaults().streamWindowSize()).isEqualTo(256 * 1024);
    assertThat(ServerConfig.builder().streamWindowSize(Integer.MAX_VALUE).build().streamWindowSize())
        .isEqualTo(Integer.MAX_VALUE);
  }
}

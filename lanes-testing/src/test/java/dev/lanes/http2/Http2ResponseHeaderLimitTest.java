package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RecordingListener;
import dev.lanes.testing.TestClient;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 9113 6.5.2/10.5.1: a response head larger than the client's SETTINGS_MAX_HEADER_LIST_SIZE
 * is the handler's mistake on one stream: that stream gets a 500 without the oversized fields,
 * and the connection's other streams are served.
 */
@Timeout(60)
class Http2ResponseHeaderLimitTest {
  private static final String BIG = "x".repeat(4096);

  private static App app() {
    return App.builder()
        .get("/big", req -> Response.text("big").withHeader("x-big", BIG))
        .get("/small", req -> Response.text("small"))
        .build();
  }

  @Test
  void aResponseHeadPastTheClientsLimitFailsOnlyItsStreamWithA500() throws Exception {
    try (TestClient server = TestClient.start(app(), ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(server.port(), Http2Settings.defaultSettings().maxHeaderListSize(1024))) {
      H2Client.Stream big = client.get("/big");
      H2Client.Stream small = client.get("/small");
      assertThat(small.status()).isEqualTo(200);
      assertThat(small.text()).isEqualTo("small");

      Http2Headers head = big.headers.get(10, TimeUnit.SECONDS);
      assertThat(head.status().toString()).as("reset: %s", big.reset.getNow(null)).isEqualTo("500");
      assertThat(head.get("x-big")).isNull();
      big.ended.get(10, TimeUnit.SECONDS);

      // The connection is still open and serving.
      H2Client.Stream after = client.get("/small");
      assertThat(after.status()).isEqualTo(200);
      assertThat(after.text()).isEqualTo("small");
      assertThat(client.closed()).isNotDone();
    }
  }

  /** A body written in a lane behind the oversized head: its writes fail, it stops, its token returns. */
  @Test
  void aProducerBehindAnOversizedHeadStopsAndReturnsItsToken() throws Exception {
    AtomicReference<Throwable> stopped = new AtomicReference<>();
    CountDownLatch ended = new CountDownLatch(1);
    App app = App.builder()
        .get("/endless", req -> StreamingResponse.writer(out -> {
          try {
            while (true) {
              out.write(new byte[1024]);
            }
          } catch (IOException e) {
            stopped.set(e);
            throw e;
          } finally {
            ended.countDown();
          }
        }, "application/octet-stream").withHeader("x-big", BIG))
        .get("/small", req -> Response.text("small"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(server.port(), Http2Settings.defaultSettings().maxHeaderListSize(1024))) {
      H2Client.Stream endless = client.get("/endless");
      assertThat(endless.status()).as("reset: %s", endless.reset.getNow(null)).isEqualTo(500);
      assertThat(endless.body()).isEmpty();
      assertThat(ended.await(10, TimeUnit.SECONDS)).as("producer stopped").isTrue();
      assertThat(stopped.get()).isInstanceOf(IOException.class);
      Await.until(() -> app.lanes().get(dev.lanes.concurrency.Lanes.STREAMING).statistics().borrowed() == 0, "streaming token returned");
      assertThat(client.get("/small").text()).isEqualTo("small");
    }
  }

  /** Listeners and metrics see the status the client got: the 500, not the handler's 200. */
  @Test
  void theReplacedHeadIsReportedAsThe500ThatWentOut() throws Exception {
    RecordingListener events = RecordingListener.create();
    App app = App.builder()
        .listener(events)
        .get("/big", req -> Response.text("big").withHeader("x-big", BIG))
        .get("/streamed", req -> StreamingResponse.writer(out -> out.write(new byte[10]), "text/plain")
            .withHeader("x-big", BIG))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(server.port(), Http2Settings.defaultSettings().maxHeaderListSize(1024))) {
      assertThat(client.get("/big").status()).isEqualTo(500);
      events.await("requestEnd GET /big 500");
      assertThat(client.get("/streamed").status()).isEqualTo(500);
      events.await("requestEnd GET /streamed 500");
      assertThat(events.events()).noneMatch(e -> e.startsWith("requestEnd") && e.endsWith(" 200"));
    }
  }

  /** An h2c upgrade gives its settings in HTTP2-Settings (here SETTINGS_MAX_HEADER_LIST_SIZE 1024): they hold for stream 1. */
  @Test
  void theLimitFromAnUpgradesHttp2SettingsHoldsForItsRequest() throws Exception {
    try (TestClient server = TestClient.start(app(), ServerConfig.builder().h2c(true));
        RawClient raw = RawClient.connect(server.port())) {
      raw.send("GET /big HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
          + "HTTP2-Settings: AAYAAAQA\r\n\r\n"
          + "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + "\0\0\0\4\0\0\0\0\0"); // the preface, an empty SETTINGS
      assertThat(raw.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 101 Switching Protocols");
      var decoder = new DefaultHttp2HeadersDecoder(false, 1024);
      Http2Headers head = null;
      while (head == null) { // frames until stream 1's HEADERS
        ByteBuffer frame = ByteBuffer.wrap(raw.readBytes(9));
        int length = (frame.get() & 0xff) << 16 | (frame.get() & 0xff) << 8 | frame.get() & 0xff;
        int type = frame.get();
        frame.get();
        int stream = frame.getInt();
        byte[] payload = length == 0 ? new byte[0] : raw.readBytes(length);
        if (stream == 1 && type == RawH2.HEADERS) {
          head = decoder.decodeHeaders(1, Unpooled.wrappedBuffer(payload));
        }
      }
      assertThat(head.status().toString()).isEqualTo("500");
      assertThat(head.get("x-big")).isNull();
    }
  }
}

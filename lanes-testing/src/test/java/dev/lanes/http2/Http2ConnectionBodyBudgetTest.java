package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connection's body budget (its receive window, {@code maxConcurrentStreams × streamWindowSize
 * + maxBodySize}): a client sending many large bodies that the server holds (handlers that have
 * not finished) stops at the budget instead of filling the server with
 * {@code maxConcurrentStreams × maxBodySize}; bodies read whole that together pass it all arrive,
 * in turn, at the speed of their windows. Netty's client codec keeps to the windows the server
 * gives, so what it managed to send is what the server was ready to hold.
 */
@Timeout(60)
class Http2ConnectionBodyBudgetTest {
  private static final int PROTOCOL_WINDOW = 65_535;
  /** Frame heads, the 100 HEADERS, the preface and SETTINGS: well under this. */
  private static final int FRAMING = 64 * 1024;

  private static long budget(ServerConfig config) {
    return Math.min(Integer.MAX_VALUE,
        (long) config.maxConcurrentStreams() * config.streamWindowSize() + config.maxBodySize());
  }

  /** A route whose handler holds its request, and so its body, until {@code finish}; counted in {@code started}. */
  private static App holding(AtomicInteger started, CountDownLatch finish) {
    return App.builder()
        .route("POST", "/hold", RouteOptions.defaults(), (BlockingHandler) req -> {
          started.incrementAndGet();
          try {
            finish.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Response.text(String.valueOf(req.body().length));
        })
        .build();
  }

  @Test
  void aHundredLargeBodiesHeldByTheirHandlersStopTheirClientAtTheBudget() throws Exception {
    int bodySize = 1 << 20;
    ServerConfig.Builder config = ServerConfig.builder().h2c(true).maxBodySize(bodySize)
        .streamWindowSize(PROTOCOL_WINDOW);
    long budget = budget(config.build());
    AtomicInteger started = new AtomicInteger();
    CountDownLatch finish = new CountDownLatch(1);
    App app = holding(started, finish);
    byte[] body = HashedUpload.bytes(bodySize);
    try (TestClient server = TestClient.start(app, config); H2Client client = H2Client.connect(server.port())) {
      List<H2Client.Stream> streams = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        streams.add(client.open(client.head("POST", "/hold"), body, true));
      }
      Await.until(() -> started.get() >= 1 && stalled(client),
          "a handler holding its body and the client held back by the server's windows");
      assertThat(client.written()).as("bytes the client could send: what the server holds, within the budget")
          .isLessThanOrEqualTo(budget + FRAMING)
          .as("every stream's initial window and the one body granted its window")
          .isGreaterThanOrEqualTo(99L * PROTOCOL_WINDOW + bodySize);
      assertThat(started.get()).as("handlers holding a whole body").isEqualTo(1);
      assertThat(client.goAway).as("no flow-control error: the client kept to the windows").isNotDone();

      finish.countDown(); // each body done with gives the next one its window
      for (H2Client.Stream s : streams) {
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.text()).isEqualTo(String.valueOf(bodySize));
      }
      assertThat(started.get()).isEqualTo(100);
    }
  }

  /**
   * A body waiting for the window the budget cannot give yet is the server's doing, not a slow
   * client: its read timeout rests while its client is stopped, so it is served, not answered 408,
   * however long the body before it is held.
   */
  @Test
  void aBodyWaitingForTheBudgetDoesNotTimeOut() throws Exception {
    int bodySize = 1 << 20;
    Duration timeout = Duration.ofMillis(500);
    ServerConfig.Builder config = ServerConfig.builder().h2c(true).maxBodySize(bodySize)
        .streamWindowSize(PROTOCOL_WINDOW).bodyReadTimeout(timeout);
    AtomicInteger started = new AtomicInteger();
    CountDownLatch finish = new CountDownLatch(1);
    byte[] body = HashedUpload.bytes(bodySize);
    try (TestClient server = TestClient.start(holding(started, finish), config);
        H2Client client = H2Client.connect(server.port())) {
      H2Client.Stream held = client.open(client.head("POST", "/hold"), body, true);
      H2Client.Stream waiting = client.open(client.head("POST", "/hold"), body, true);
      Await.until(() -> started.get() == 1 && stalled(client), "one body held, the other's client stopped");
      long stalledAt = System.nanoTime();
      // Time itself is under test here: the waiting body must outlive several of its read timeouts.
      Await.until(Duration.ofSeconds(10), () -> System.nanoTime() - stalledAt > 4 * timeout.toNanos(),
          "four body read timeouts passed");
      assertThat(waiting.headers).as("no answer (408) while it waits").isNotDone();
      finish.countDown();
      assertThat(held.status()).isEqualTo(200);
      assertThat(waiting.status()).isEqualTo(200);
      assertThat(waiting.text()).isEqualTo(String.valueOf(bodySize));
      assertThat(server.server().statistics().bodyReadTimeouts()).isZero();
    }
  }

  /**
   * Five bodies of up to 9 MiB read whole, at the defaults (a 35 MiB budget, room for one 10 MiB
   * body beside the streams' windows), with and without {@code content-length}: each waits for
   * the window it needs and all arrive whole; none waits for ever on bytes the others hold.
   */
  @Test
  void bodiesReadWholeThatTogetherPassTheBudgetAllArriveWhole() throws Exception {
    App app = App.builder()
        .route("POST", "/hash", RouteOptions.defaults(), (BlockingHandler) req -> Response.text(sha256(req.body())))
        .build();
    byte[] upload = HashedUpload.bytes(9 << 20);
    String digest = sha256(upload);
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(server.port())) {
      List<H2Client.Stream> streams = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        var head = client.head("POST", "/hash");
        if (i % 2 == 0) {
          head.setInt("content-length", upload.length);
        }
        streams.add(client.open(head, upload, true));
      }
      for (H2Client.Stream s : streams) {
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.text()).isEqualTo(digest);
      }
    }
  }

  /**
   * A body without content-length is known to be past {@code maxBodySize} only by the byte after
   * it, so the window it is given must let that byte come: a window of exactly {@code maxBodySize}
   * (the stream's own, or a grant) stopped its client there, and the server waited for the rest
   * until the body read timeout answered 408 instead of 413.
   */
  @ParameterizedTest(name = "maxBodySize {0}, stream window {1}")
  @CsvSource({"1048576, 65535", "65535, 65535", "131070, 65535"})
  void aBodyWithoutContentLengthPastTheLimitIsRefusedAt413NotLeftWaiting(int maxBodySize, int window)
      throws Exception {
    App app = App.builder()
        .route("POST", "/size", RouteOptions.defaults(), (BlockingHandler) req -> Response.text("" + req.body().length))
        .build();
    ServerConfig.Builder config = ServerConfig.builder().h2c(true).maxBodySize(maxBodySize).streamWindowSize(window)
        .bodyReadTimeout(Duration.ofSeconds(60));
    try (TestClient server = TestClient.start(app, config); H2Client client = H2Client.connect(server.port())) {
      H2Client.Stream s = client.open(client.head("POST", "/size"), HashedUpload.bytes(maxBodySize + 1000), true);
      assertThat(s.status()).as("413 for the byte past the limit, not 408 after the read timeout").isEqualTo(413);
      H2Client.Stream next = client.open(client.head("POST", "/size"), HashedUpload.bytes(maxBodySize), true);
      assertThat(next.status()).isEqualTo(200);
      assertThat(next.text()).isEqualTo(String.valueOf(maxBodySize));
    }
  }

  /**
   * Padding counts against the windows but is no part of the body: a padded body that fits its
   * window (its stream's own, or its grant of its content-length) only without its padding must
   * be given the padding back. It was returned to the stream short of Netty's WINDOW_UPDATE
   * threshold, so the client stopped short of the body's end and the body waited for ever.
   */
  @ParameterizedTest(name = "content-length {0}")
  @ValueSource(ints = {65_000, 65_535, 140_000})
  void aPaddedBodyArrivesWholeThoughItsPaddingPassesItsWindow(int length) throws Exception {
    App app = App.builder()
        .route("POST", "/size", RouteOptions.defaults(), (BlockingHandler) req -> Response.text("" + req.body().length))
        .build();
    ServerConfig.Builder config = ServerConfig.builder().h2c(true).maxBodySize(1 << 20)
        .streamWindowSize(PROTOCOL_WINDOW).bodyReadTimeout(Duration.ofSeconds(60));
    try (TestClient server = TestClient.start(app, config); H2Client client = H2Client.connect(server.port())) {
      H2Client.Stream s = client.openHead(client.head("POST", "/size").setInt("content-length", length));
      int frame = 10_000;
      for (int sent = 0; sent < length; sent += frame) {
        s.send(HashedUpload.bytes(Math.min(frame, length - sent)), 256, sent + frame >= length);
      }
      assertThat(s.status()).isEqualTo(200);
      assertThat(s.text()).isEqualTo(String.valueOf(length));
    }
  }

  private static boolean stalled(H2Client client) {
    try {
      return client.sendingStalled();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

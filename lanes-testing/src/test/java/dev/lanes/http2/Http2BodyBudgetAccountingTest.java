package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connection's body budget over a long-lived connection: every way a request body can end
 * (whole, padded, with trailers, streamed, past the limit at its head or midway, a content-length
 * it overshoots or falls short of, a handler that throws, a reset midway, a reset while waiting
 * for its grant) gives its bytes and its grant back, so after thousands of them on one connection
 * the server's receive window is whole again and a body of {@code maxBodySize} (which needs the
 * whole spare of the budget) still arrives. A leak of one byte per request would shrink the window
 * by thousands; one grant never returned would stop the last upload for good.
 */
@Timeout(300)
class Http2BodyBudgetAccountingTest {
  private static final int WINDOW = 65_535;
  private static final int MAX_BODY = 128 * 1024;
  private static final int STREAMS = 8;
  private static final long BUDGET = (long) STREAMS * WINDOW + MAX_BODY;
  private static final byte[] BYTES = HashedUpload.bytes(2 * MAX_BODY);

  /** How one upload is sent, and how it must end. */
  private enum Kind {
    EMPTY, SMALL, LARGE_UNDECLARED, LARGE_DECLARED, PADDED, TRAILERS, FAILING, STREAMED, TOO_LARGE_MIDWAY,
    TOO_LARGE_DECLARED, DECLARED_MORE_THAN_SENT, DECLARED_LESS_THAN_SENT, RESET_MIDWAY, RESET_STREAMED
  }

  /** An upload sent: {@link #check} waits for its end as its kind has it, and for its stream to close. */
  private interface Sent {
    void check() throws Exception;
  }

  private static App app(CountDownLatch release) {
    BlockingHandler size = req -> Response.text(String.valueOf(req.body().length));
    return App.builder()
        .route("POST", "/size", RouteOptions.defaults(), size)
        .route("POST", "/fail", RouteOptions.defaults(), (BlockingHandler) req -> {
          throw new IllegalStateException("the handler fails having its body (expected in this test)");
        })
        .route("POST", "/stream", RouteOptions.defaults().streamedBody(4 * MAX_BODY),
            (BlockingHandler) req -> Response.text(String.valueOf(req.bodyStream().readAllBytes().length)))
        .route("POST", "/hold", RouteOptions.defaults(), (BlockingHandler) req -> {
          release.await();
          return Response.text(String.valueOf(req.body().length));
        })
        .build();
  }

  private static byte[] bytes(int size) {
    return Arrays.copyOf(BYTES, size);
  }

  private static Http2Headers declared(Http2Headers head, long length) {
    return head.setLong("content-length", length);
  }

  private static Sent upload(H2Client client, Kind kind, int n) throws Exception {
    int large = WINDOW + 1 + (n * 7919) % (MAX_BODY - WINDOW); // past the stream's window: needs a grant
    return switch (kind) {
      case EMPTY -> answered(client.open(client.head("POST", "/size"), null, true), 200, "0");
      case SMALL -> {
        int size = (n * 131) % 5000;
        yield answered(client.open(declared(client.head("POST", "/size"), size), bytes(size), true), 200,
            String.valueOf(size));
      }
      case LARGE_UNDECLARED -> answered(client.open(client.head("POST", "/size"), bytes(large), true), 200,
          String.valueOf(large));
      case LARGE_DECLARED -> answered(client.open(declared(client.head("POST", "/size"), large), bytes(large), true),
          200, String.valueOf(large));
      case PADDED -> {
        H2Client.Stream s = client.openHead(client.head("POST", "/size"));
        s.send(bytes(large / 2), 255, false);
        s.send(bytes(large - large / 2), 1 + n % 255, true);
        yield answered(s, 200, String.valueOf(large));
      }
      case TRAILERS -> {
        H2Client.Stream s = client.openHead(client.head("POST", "/size"));
        s.send(bytes(large), 0, false);
        s.trailers(new DefaultHttp2Headers().add("x-checksum", "none"));
        yield answered(s, 200, String.valueOf(large));
      }
      case FAILING -> answered(client.open(client.head("POST", "/fail"), bytes(large), true), 500, null);
      case STREAMED -> {
        int size = 3 * WINDOW + n % 1000;
        yield answered(client.open(client.head("POST", "/stream"), bytes(size), true), 200, String.valueOf(size));
      }
      case TOO_LARGE_MIDWAY -> answered(client.open(client.head("POST", "/size"), bytes(MAX_BODY + 1 + n % 1000),
          true), 413, null);
      case TOO_LARGE_DECLARED -> answered(client.open(declared(client.head("POST", "/size"), MAX_BODY + 1),
          bytes(MAX_BODY + 1), true), 413, null);
      case DECLARED_MORE_THAN_SENT -> reset(client.open(declared(client.head("POST", "/size"), large + 1 + n % 50_000),
          bytes(large), true));
      case DECLARED_LESS_THAN_SENT -> reset(client.open(declared(client.head("POST", "/size"), large),
          bytes(large + 1 + n % 50_000), true));
      case RESET_MIDWAY -> resetMidway(client, "/size", large);
      case RESET_STREAMED -> resetMidway(client, "/stream", 2 * WINDOW);
    };
  }

  private static Sent answered(H2Client.Stream s, int status, String text) {
    return () -> {
      assertThat(s.status()).isEqualTo(status);
      if (text != null) {
        assertThat(s.text()).isEqualTo(text);
      }
      closed(s);
    };
  }

  /** A body that does not match its content-length: the codec resets its stream. */
  private static Sent reset(H2Client.Stream s) {
    return () -> {
      assertThat(s.reset.get(10, TimeUnit.SECONDS)).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
      closed(s);
    };
  }

  private static Sent resetMidway(H2Client client, String path, int size) throws Exception {
    H2Client.Stream s = client.openHead(client.head("POST", path));
    s.send(bytes(size / 2), 0, false);
    s.reset(Http2Error.CANCEL);
    return () -> closed(s);
  }

  private static void closed(H2Client.Stream s) {
    assertThat(s.channel.closeFuture().awaitUninterruptibly(10, TimeUnit.SECONDS)).as("the stream closed").isTrue();
  }

  @Test
  void thousandsOfUploadsEndingEveryWayLeaveTheBudgetWhole() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ServerConfig.Builder config = ServerConfig.builder().h2c(true).maxConcurrentStreams(STREAMS)
        .streamWindowSize(WINDOW).maxBodySize(MAX_BODY);
    // Uploads ending in a reset (the client's, or the server's for a body it refused or that broke
    // its content-length, and for the DATA still on its way) are rare: past 200 RST_STREAM in 30 s
    // the server ends the connection (rapid reset, Netty's count).
    List<Kind> resetting = List.of(Kind.RESET_MIDWAY, Kind.RESET_STREAMED, Kind.DECLARED_MORE_THAN_SENT,
        Kind.DECLARED_LESS_THAN_SENT, Kind.TOO_LARGE_MIDWAY, Kind.TOO_LARGE_DECLARED);
    Kind[] resets = resetting.toArray(Kind[]::new);
    Kind[] kinds = Arrays.stream(Kind.values()).filter(k -> !resetting.contains(k)).toArray(Kind[]::new);
    try (TestClient server = TestClient.start(app(release), config);
        H2Client client = H2Client.connect(server.port())) {
      for (int i = 0; i < 10_000; i++) {
        Kind kind = i % 200 == 199 ? resets[i / 200 % resets.length] : kinds[i % kinds.length];
        try {
          upload(client, kind, i).check();
        } catch (Exception | AssertionError e) {
          throw new AssertionError("upload " + i + " (" + kind + ") on a connection " + (client.goAway.isDone()
              ? "gone away" : "still open"), e);
        }
      }
      assertWhole(client, "after the uploads one at a time");

      Random random = new Random(42);
      for (int round = 0; round < 400; round++) {
        List<Sent> sent = new ArrayList<>();
        for (int j = 0; j < STREAMS / 2; j++) {
          Kind kind = j == 0 && round % 20 == 0 ? resets[round / 20 % resets.length] : kinds[random.nextInt(kinds.length)];
          sent.add(upload(client, kind, random.nextInt(1 << 20)));
        }
        for (Sent s : sent) {
          s.check();
        }
      }
      assertWhole(client, "after the uploads side by side");

      // A body granted its window and held by its handler; behind it, bodies waiting for their
      // grant (each has filled its stream's window), reset while they wait, then one served.
      H2Client.Stream held = client.open(client.head("POST", "/hold"), bytes(MAX_BODY), true);
      List<H2Client.Stream> waiting = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        waiting.add(client.open(i == 1 ? declared(client.head("POST", "/size"), MAX_BODY) : client.head("POST", "/size"),
            bytes(MAX_BODY), true));
      }
      Await.until(() -> stalled(client), "the bodies behind the held one wait for their grants");
      waiting.get(0).reset(Http2Error.CANCEL);
      waiting.get(1).reset(Http2Error.CANCEL);
      closed(waiting.get(0));
      closed(waiting.get(1));
      release.countDown();
      answered(held, 200, String.valueOf(MAX_BODY)).check();
      answered(waiting.get(2), 200, String.valueOf(MAX_BODY)).check();
      assertWhole(client, "after bodies reset while waiting for their grants");
      assertThat(server.server().statistics().bodyReadTimeouts()).as("no upload waited out its read timeout")
          .isZero();
    }
  }

  /**
   * No stream holds request bytes: the server's window is the budget but for what it has not
   * announced back yet (less than half a stream window), and a body of {@code maxBodySize}
   * without a content-length (a grant of the budget's whole spare) arrives.
   */
  private static void assertWhole(H2Client client, String when) throws Exception {
    Await.until(() -> sendWindow(client) > BUDGET - WINDOW / 2 - 2,
        "the connection window whole again " + when + " (budget " + BUDGET + ")");
    upload(client, Kind.LARGE_UNDECLARED, MAX_BODY - WINDOW - 1).check();
    byte[] largest = bytes(MAX_BODY);
    answered(client.open(client.head("POST", "/size"), largest, true), 200, String.valueOf(MAX_BODY)).check();
  }

  private static int sendWindow(H2Client client) {
    try {
      return client.connectionSendWindow();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean stalled(H2Client client) {
    try {
      return client.sendingStalled();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

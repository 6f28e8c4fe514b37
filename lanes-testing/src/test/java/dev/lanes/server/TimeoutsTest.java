package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.http.Response;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.RecordingListener;
import dev.lanes.testing.TestClient;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each read-side timeout closes a connection that stops making progress. Timeouts are short
 * here; assertions are about what happened (408, closed, counted), never about how long it took.
 */
class TimeoutsTest {
  private static final CountDownLatch RELEASE = new CountDownLatch(1);
  private static final CountDownLatch HOLD = new CountDownLatch(1);
  private static App app;
  private static final RecordingListener EVENTS = RecordingListener.create();
  private static TestClient client;

  @BeforeAll
  static void start() {
    app = App.builder()
        .listener(EVENTS)
        .lane(Lane.builder("one").capacity(1))
        .route("GET", "/hold", "one", req -> {
          HOLD.await(10, TimeUnit.SECONDS);
          return Response.text("held");
        })
        .route("GET", "/queued", "one", req -> Response.text("queued"))
        .getAsync("/", req -> CompletableFuture.completedFuture(Response.text("ok")))
        .postAsync("/", req -> CompletableFuture.completedFuture(Response.text("ok")))
        .get("/wait", req -> {
          RELEASE.await(10, TimeUnit.SECONDS);
          return Response.text("done");
        })
        .build();
    Duration t = Duration.ofMillis(300);
    client = TestClient.start(app, ServerConfig.builder()
        .requestHeadTimeout(t).bodyReadTimeout(t).keepAliveTimeout(t).minRequestBodyRate(1000));
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static ServerStatistics stats() {
    return client.server().statistics();
  }

  @Test
  void silentNewConnectionIsClosed() {
    long before = stats().requestHeadTimeouts();
    try (RawClient c = RawClient.connect(client.port())) {
      RawClient.Transcript r = c.readUntilClosed();
      assertThat(r.closed()).isTrue();
      assertThat(r.statuses()).isEmpty();
    }
    assertThat(stats().requestHeadTimeouts()).isGreaterThan(before);
  }

  @Test
  void incompleteHeadGets408AndClose() {
    try (RawClient c = RawClient.connect(client.port())) {
      c.send("GET / HTTP/1.1\r\nHost: a\r\n");
      RawClient.Transcript r = c.readUntilClosed();
      assertThat(r.statuses()).containsExactly(408);
      assertThat(r.closed()).isTrue();
    }
  }

  /** The next head begins in the read that ends a request: it is a head arriving, not an idle connection. */
  @Test
  void aHeadBegunInTheReadThatEndedTheRequestBeforeGets408() {
    long keepAlive = stats().keepAliveTimeouts();
    try (RawClient c = RawClient.connect(client.port())) {
      c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n"); // one write
      RawClient.Transcript r = c.readUntilClosed();
      assertThat(r.statuses()).containsExactly(200, 408);
      assertThat(r.closed()).isTrue();
    }
    assertThat(stats().keepAliveTimeouts()).isEqualTo(keepAlive);
  }

  @Test
  void slowlorisTrickleDoesNotExtendTheHeadDeadline() {
    try (RawClient c = RawClient.connect(client.port())) {
      c.send("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ");
      // Trickle a header byte by byte, faster than any timeout, until the server closes.
      Thread trickler = trickle(c);
      RawClient.Transcript r = c.readUntilClosed();
      trickler.interrupt();
      assertThat(r.closed()).as("closed by the head timeout despite steady progress").isTrue();
      assertThat(r.statuses()).containsExactly(408);
    }
  }

  /** Sends one byte every 20 ms from another thread until the connection breaks. */
  private static Thread trickle(RawClient c) {
    return Thread.ofVirtual().start(() -> {
      try {
        while (true) {
          c.send("a");
          Thread.sleep(20);
        }
      } catch (UncheckedIOException | InterruptedException e) {
        // closed by the server (or the test ended): stop
      }
    });
  }

  @Test
  void stalledBodyGets408AndClose() {
    long before = stats().bodyReadTimeouts();
    try (RawClient c = RawClient.connect(client.port())) {
      c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nab");
      RawClient.Transcript r = c.readUntilClosed();
      assertThat(r.statuses()).containsExactly(408);
      assertThat(r.closed()).isTrue();
    }
    assertThat(stats().bodyReadTimeouts()).isGreaterThan(before);
    // Reported as the answer it is, as on HTTP/2 (the request never reached a route).
    EVENTS.await("requestEnd unmatched 408");
  }

  @Test
  void bodyTrickledBelowTheMinimumRateIsCut() {
    long before = stats().bodyReadTimeouts();
    try (RawClient c = RawClient.connect(client.port())) {
      c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n");
      // One byte every 20 ms keeps the idle timer from ever firing, but averages 50 bytes/s.
      Thread trickler = trickle(c);
      RawClient.Transcript r = c.readUntilClosed();
      trickler.interrupt();
      assertThat(r.closed()).as("closed by the body-rate rule despite steady progress").isTrue();
      assertThat(r.statuses()).containsExactly(408);
    }
    assertThat(stats().bodyReadTimeouts()).isGreaterThan(before);
  }

  @Test
  void idleKeepAliveConnectionIsClosedAfterItsResponse() {
    long before = stats().keepAliveTimeouts();
    try (RawClient c = RawClient.connect(client.port())) {
      c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
      RawClient.Transcript rest = c.readUntilClosed();
      assertThat(rest.closed()).isTrue();
      assertThat(rest.text()).isEmpty();
    }
    assertThat(stats().keepAliveTimeouts()).isGreaterThan(before);
  }

  @Test
  void noTimeoutWhileAHandlerWorks() {
    try (RawClient slow = RawClient.connect(client.port())) {
      slow.send("GET /wait HTTP/1.1\r\nHost: a\r\n\r\n");
      // Another connection timing out proves more than a timeout period has passed meanwhile.
      try (RawClient idle = RawClient.connect(client.port())) {
        assertThat(idle.readUntilClosed().closed()).isTrue();
      }
      RELEASE.countDown();
      RawResponse r = slow.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("done");
    }
  }

  /** Waiting for a lane token is the server's doing too: no read timer runs meanwhile. */
  @Test
  void noTimeoutWhileARequestWaitsForItsLaneToken() {
    Lane one = app.lanes().get("one");
    try (RawClient holder = RawClient.connect(client.port()); RawClient queued = RawClient.connect(client.port())) {
      holder.send("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n");
      Await.until(() -> one.statistics().borrowed() == 1, "the lane's one token taken");
      queued.send("GET /queued HTTP/1.1\r\nHost: a\r\n\r\n");
      Await.until(() -> one.statistics().waiting() == 1, "the second request queued for it");
      try (RawClient idle = RawClient.connect(client.port())) {
        assertThat(idle.readUntilClosed().closed()).as("a timeout period passed").isTrue();
      }
      HOLD.countDown();
      assertThat(holder.read().text()).isEqualTo("held");
      RawResponse r = queued.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("queued");
    }
  }
}

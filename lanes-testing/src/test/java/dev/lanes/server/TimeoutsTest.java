package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.TestClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
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
  private static TestClient client;

  @BeforeAll
  static void start() {
    App app = App.builder()
        .getAsync("/", req -> CompletableFuture.completedFuture(Response.text("ok")))
        .postAsync("/", req -> CompletableFuture.completedFuture(Response.text("ok")))
        .get("/wait", req -> {
          RELEASE.await(RawClient.BOUND_MS, TimeUnit.MILLISECONDS);
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
      RawClient.Reply r = c.readUntilClosed();
      assertThat(r.closed()).isTrue();
      assertThat(r.statuses()).isEmpty();
    }
    assertThat(stats().requestHeadTimeouts()).isGreaterThan(before);
  }

  @Test
  void incompleteHeadGets408AndClose() {
    try (RawClient c = RawClient.connect(client.port())) {
      c.send("GET / HTTP/1.1\r\nHost: a\r\n");
      RawClient.Reply r = c.readUntilClosed();
      assertThat(r.statuses()).containsExactly(408);
      assertThat(r.closed()).isTrue();
    }
  }

  @Test
  void slowlorisTrickleDoesNotExtendTheHeadDeadline() throws Exception {
    try (Socket s = new Socket("127.0.0.1", client.port())) {
      s.setSoTimeout(RawClient.BOUND_MS);
      OutputStream out = s.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: a\r\n".getBytes());
      // Trickle a header byte by byte, faster than any timeout, until the server closes.
      Thread trickler = Thread.ofVirtual().start(() -> {
        try {
          out.write("X-Slow: ".getBytes());
          while (true) {
            out.write('a');
            out.flush();
            Thread.sleep(20);
          }
        } catch (IOException | InterruptedException e) {
          // closed by the server (or the test ended): stop
        }
      });
      byte[] buf = new byte[4096];
      int total = 0;
      int n;
      boolean closed;
      try {
        while ((n = s.getInputStream().read(buf, total, buf.length - total)) > 0) {
          total += n;
        }
        closed = true;
      } catch (java.net.SocketTimeoutException e) {
        closed = false;
      } catch (IOException e) {
        closed = true;
      }
      trickler.interrupt();
      assertThat(closed).as("closed by the head timeout despite steady progress").isTrue();
      assertThat(new String(buf, 0, total)).startsWith("HTTP/1.1 408");
    }
  }

  @Test
  void stalledBodyGets408AndClose() {
    long before = stats().bodyReadTimeouts();
    try (RawClient c = RawClient.connect(client.port())) {
      c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nab");
      RawClient.Reply r = c.readUntilClosed();
      assertThat(r.statuses()).containsExactly(408);
      assertThat(r.closed()).isTrue();
    }
    assertThat(stats().bodyReadTimeouts()).isGreaterThan(before);
  }

  @Test
  void bodyTrickledBelowTheMinimumRateIsCut() throws Exception {
    long before = stats().bodyReadTimeouts();
    try (Socket s = new Socket("127.0.0.1", client.port())) {
      s.setSoTimeout(RawClient.BOUND_MS);
      OutputStream out = s.getOutputStream();
      out.write("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n".getBytes());
      // One byte every 20 ms keeps the idle timer from ever firing, but averages 50 bytes/s.
      Thread trickler = Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            out.write('a');
            out.flush();
            Thread.sleep(20);
          }
        } catch (IOException | InterruptedException e) {
          // closed by the server (or the test ended): stop
        }
      });
      byte[] buf = new byte[4096];
      int total = 0;
      int n;
      boolean closed;
      try {
        while ((n = s.getInputStream().read(buf, total, buf.length - total)) > 0) {
          total += n;
        }
        closed = true;
      } catch (java.net.SocketTimeoutException e) {
        closed = false;
      } catch (IOException e) {
        closed = true;
      }
      trickler.interrupt();
      assertThat(closed).as("closed by the body-rate rule despite steady progress").isTrue();
      assertThat(new String(buf, 0, total)).startsWith("HTTP/1.1 408");
    }
    assertThat(stats().bodyReadTimeouts()).isGreaterThan(before);
  }

  @Test
  void idleKeepAliveConnectionIsClosedAfterItsResponse() {
    long before = stats().keepAliveTimeouts();
    try (RawClient c = RawClient.connect(client.port())) {
      c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(c.readResponses(1).statuses()).containsExactly(200);
      RawClient.Reply rest = c.readUntilClosed();
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
      RawClient.Reply r = slow.readResponses(1);
      assertThat(r.statuses()).containsExactly(200);
      assertThat(r.text()).endsWith("done");
    }
  }
}

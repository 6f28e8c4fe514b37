package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 9110 10.1.1: a client that sends {@code Expect: 100-continue} holds its body back until a
 * {@code 100 Continue}, and a server that can tell the final answer from the head sends that
 * instead. Each test sends a head alone and reads the first response line before any body byte
 * is sent: the client blocks on it, so a server waiting for the body would fail the read.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExpectContinueTest {
  private static TestClient client;

  @BeforeAll
  static void start() {
    App app = App.builder()
        .middleware(next -> req -> next.call(req).thenApply(r -> r.withHeader("X-Seen", "middleware")))
        .post("/upload", req -> Response.text("got " + req.text()))
        .get("/hello", req -> Response.text("hello"))
        .post("/dir/", req -> Response.text("dir"))
        .build();
    client = TestClient.start(app);
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static String head(String method, String target, String framing) {
    return method + " " + target + " HTTP/1.1\r\nHost: test\r\n" + framing + "Expect: 100-continue\r\n\r\n";
  }

  private static String head(String method, String target) {
    return head(method, target, "Content-Length: 5\r\n");
  }

  /** 404, 405 and the slash redirect come from the router, through the app's middleware. */
  @Test
  void aRequestNoRouteTakesGetsItsFinalAnswerInsteadOf100() {
    record Case(String head, int status, String header, String value) {}
    for (Case c : new Case[] {
        new Case(head("POST", "/nowhere"), 404, "x-seen", "middleware"),
        new Case(head("PUT", "/upload"), 405, "allow", "OPTIONS, POST"),
        new Case(head("POST", "/dir"), 307, "location", "/dir/"),
        new Case(head("POST", "/nowhere", "Transfer-Encoding: chunked\r\n"), 404, "x-seen", "middleware")}) {
      try (RawClient raw = RawClient.connect(client.port())) {
        RawResponse r = raw.send(c.head()).read();
        assertThat(r.status()).as(c.head()).isEqualTo(c.status());
        assertThat(r.header(c.header())).as(c.head()).contains(c.value());
        assertThat(r.header("x-seen")).as("the app's middleware ran").contains("middleware");
        // The body was never read: the next bytes could be it or a next request, so the
        // connection ends here (RFC 9112 9.6).
        assertThat(r.header("connection")).as(c.head()).contains("close");
        assertThat(raw.closedByServer()).as(c.head()).isTrue();
      }
    }
  }

  /** A client that sends its body anyway gets the same answer, and no answer to its body's bytes. */
  @Test
  void aBodySentWithoutWaitingIsDiscardedNotReadAsARequest() {
    try (RawClient raw = RawClient.connect(client.port())) {
      // A body that reads as a request of its own if it were taken for one: a 400 (no Host).
      String body = "GET / HTTP/1.1\r\n\r\n";
      RawClient.Transcript t = raw.send(head("POST", "/nowhere", "Content-Length: " + body.length() + "\r\n") + body)
          .readUntilClosed();
      assertThat(t.statuses()).containsExactly(404);
      assertThat(t.closed()).isTrue();
    }
  }

  @Test
  void anUploadARouteTakesGets100ThenItsAnswerAndTheConnectionGoesOn() {
    try (RawClient raw = RawClient.connect(client.port())) {
      assertThat(raw.send(head("POST", "/upload")).read().status()).isEqualTo(100);
      RawResponse r = raw.send("hello").read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("got hello");
      assertThat(r.header("connection")).isEmpty();
      assertThat(raw.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n").read().text()).isEqualTo("hello");
    }
  }

  /** Pipelined behind a request still to be answered: the answers keep their order. */
  @Test
  void aRefusedUploadPipelinedBehindAnotherRequestIsAnsweredInOrder() {
    try (RawClient raw = RawClient.connect(client.port())) {
      raw.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n" + head("POST", "/nowhere"));
      RawResponse first = raw.read();
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.text()).isEqualTo("hello");
      assertThat(raw.read().status()).isEqualTo(404);
      assertThat(raw.closedByServer()).isTrue();
    }
  }

  /** The refused upload's connection closes; the server serves the next connection as usual. */
  @Test
  void afterARefusedUploadOtherConnectionsKeepAlive() {
    try (RawClient refused = RawClient.connect(client.port()); RawClient next = RawClient.connect(client.port())) {
      assertThat(refused.send(head("POST", "/nowhere")).read().status()).isEqualTo(404);
      assertThat(next.send(head("POST", "/upload")).read().status()).isEqualTo(100);
      assertThat(next.send("abcde").read().text()).isEqualTo("got abcde");
      assertThat(next.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n").read().text()).isEqualTo("hello");
    }
  }

  /** An HTTP/1.0 request's expectation is ignored (RFC 9110 10.1.1): its body is read, then answered. */
  @Test
  void http10IgnoresTheExpectation() {
    try (RawClient raw = RawClient.connect(client.port())) {
      raw.send("POST /nowhere HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello");
      assertThat(raw.read().status()).isEqualTo(404);
    }
  }

  /** At its in-flight limit the server refuses from the head (503), as it would once the body came. */
  @Test
  void aServerAtItsInFlightLimitRefusesFromTheHead() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .get("/hold", (BlockingHandler) req -> {
          holding.countDown();
          release.await();
          return Response.text("held");
        })
        .post("/upload", req -> Response.text("got " + req.text()))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().maxInFlight(1));
        RawClient holder = RawClient.connect(server.port());
        RawClient raw = RawClient.connect(server.port())) {
      holder.send("GET /hold HTTP/1.1\r\nHost: test\r\n\r\n");
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      RawResponse r = raw.send(head("POST", "/upload")).read();
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("retry-after")).isPresent();
      assertThat(raw.closedByServer()).isTrue();
      release.countDown();
      assertThat(holder.read().text()).isEqualTo("held");
    } finally {
      release.countDown();
    }
  }
}

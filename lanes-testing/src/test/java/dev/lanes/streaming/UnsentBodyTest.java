package dev.lanes.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.routing.RouteOptions;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.io.Closeable;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A streamed body whose response was built but never sent (middleware or an exception handler
 * answered with another, the deadline or the client's leaving came first) has its source closed
 * when the exchange ends, once, off the event loop; one that was sent is closed once, by its
 * producer.
 */
@Timeout(60)
class UnsentBodyTest {
  /** A source that records each close and the thread it ran on. */
  static final class Source implements Iterator<String>, Closeable {
    final List<String> closes = new CopyOnWriteArrayList<>();
    boolean sent;

    @Override
    public boolean hasNext() {
      return !sent;
    }

    @Override
    public String next() {
      sent = true;
      return "streamed";
    }

    @Override
    public void close() {
      closes.add(Thread.currentThread().getName());
    }
  }

  private final Map<String, Source> sources = new ConcurrentHashMap<>();
  private final CountDownLatch never = new CountDownLatch(1);
  private final CompletableFuture<Response> later = new CompletableFuture<>();
  private final CompletableFuture<Response> afterAnswered = new CompletableFuture<>();
  private final CountDownLatch laterCalled = new CountDownLatch(1);
  private final CountDownLatch laterEnded = new CountDownLatch(1);
  private final CountDownLatch waiting = new CountDownLatch(1);

  private Response streamed(String name) {
    Source s = new Source();
    sources.put(name, s);
    return StreamingResponse.of(s, "text/plain");
  }

  private Response afterInterrupt(String name) {
    waiting.countDown();
    try {
      never.await(); // until the deadline or the client's leaving interrupts it
    } catch (InterruptedException e) {
      // answers anyway, as a handler that does not check may
    }
    return streamed(name);
  }

  private App app() {
    return App.builder()
        .middleware(next -> req -> {
          CompletableFuture<Response> r = next.call(req);
          if (req.path().endsWith("/replaced")) {
            return r.thenApply(x -> Response.text("replaced"));
          }
          if (req.path().endsWith("/answered-first")) {
            r.complete(Response.text("first")); // as orTimeout would: the handler's value comes too late
            return r;
          }
          if (req.path().endsWith("/thrown")) {
            return r.thenApply(x -> {
              throw new IllegalStateException("middleware failed after the handler");
            });
          }
          return r;
        })
        .exceptionHandler(IllegalStateException.class, e -> Response.text(409, "mapped"))
        .get("/blocking/replaced", req -> streamed("blocking/replaced"))
        .getAsync("/async/replaced", req -> CompletableFuture.completedFuture(streamed("async/replaced")))
        .getAsync("/async-later/replaced", req -> CompletableFuture.supplyAsync(() -> streamed("async-later/replaced")))
        .get("/blocking/thrown", req -> streamed("blocking/thrown"))
        .getAsync("/async-later/answered-first", req -> afterAnswered)
        .route("GET", "/deadline", RouteOptions.defaults().deadline(Duration.ofMillis(200)),
            (dev.lanes.routing.BlockingHandler) req -> afterInterrupt("deadline"))
        .get("/left", req -> afterInterrupt("left"))
        .getAsync("/left-async", req -> {
          req.scope().onClose(laterEnded::countDown); // after the scope's cancellation reached the handler's future
          laterCalled.countDown();
          return later.minimalCompletionStage(); // a stage its caller cannot cancel
        })
        .get("/sent", req -> streamed("sent"))
        .build();
  }

  @Test
  void aBodyMiddlewareOrAnExceptionHandlerReplacedHasItsSourceClosedOnce() {
    try (TestClient server = TestClient.start(app())) {
      Map<String, Integer> expected = Map.of("/blocking/replaced", 200, "/async/replaced", 200,
          "/async-later/replaced", 200, "/blocking/thrown", 409);
      for (var e : expected.entrySet()) {
        assertThat(server.get(e.getKey()).status()).as(e.getKey()).isEqualTo(e.getValue());
        Source s = sources.get(e.getKey().substring(1));
        Await.until(() -> !s.closes.isEmpty(), e.getKey() + ": its source closed");
        assertThat(s.closes).as(e.getKey()).singleElement().satisfies(thread ->
            assertThat(thread).as("closed off the event loop").doesNotStartWith("lanes-loop"));
      }
    }
  }

  @Test
  void aBodyAnAsyncHandlerMadeAfterMiddlewareAnsweredHasItsSourceClosed() {
    try (TestClient server = TestClient.start(app())) {
      assertThat(server.get("/async-later/answered-first").text()).isEqualTo("first");
      afterAnswered.complete(streamed("async-later/answered-first"));
      Source s = sources.get("async-later/answered-first");
      Await.until(() -> !s.closes.isEmpty(), "the late body's source closed");
      assertThat(s.closes).hasSize(1);
    }
  }

  @Test
  void aBodyBuiltAfterTheDeadlineAnsweredHasItsSourceClosed() {
    try (TestClient server = TestClient.start(app())) {
      assertThat(server.get("/deadline").status()).isEqualTo(504);
      Await.until(() -> sources.containsKey("deadline") && !sources.get("deadline").closes.isEmpty(),
          "the late body's source closed");
      assertThat(sources.get("deadline").closes).hasSize(1);
    }
  }

  @Test
  void aBodyBuiltAfterTheClientLeftHasItsSourceClosed() throws Exception {
    try (TestClient server = TestClient.start(app())) {
      try (RawClient c = RawClient.connect(server.port())) {
        c.send("GET /left HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
      }
      Await.until(() -> sources.containsKey("left") && !sources.get("left").closes.isEmpty(),
          "the body built for a client gone has its source closed");
      assertThat(sources.get("left").closes).hasSize(1);
    }
  }

  @Test
  void aBodyAnAsyncHandlersUncancellableStageMadeAfterTheClientLeftHasItsSourceClosed() throws Exception {
    try (TestClient server = TestClient.start(app())) {
      try (RawClient c = RawClient.connect(server.port())) {
        c.send("GET /left-async HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(laterCalled.await(10, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(laterEnded.await(10, TimeUnit.SECONDS)).as("request abandoned").isTrue();
      later.complete(streamed("left-async"));
      Await.until(() -> !sources.get("left-async").closes.isEmpty(),
          "the body made for a client gone has its source closed");
      assertThat(sources.get("left-async").closes).hasSize(1);
    }
  }

  @Test
  void aBodySentOrAnsweredForHeadIsClosedOnce() throws Exception {
    try (TestClient server = TestClient.start(app());
        RawClient c = RawClient.connect(server.port())) {
      RawResponse r = c.send("GET /sent HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertThat(r.text()).isEqualTo("streamed");
      Source sent = sources.get("sent");
      c.send("HEAD /sent HTTP/1.1\r\nHost: a\r\n\r\n").readResponseToHead();
      Source head = sources.get("sent");
      assertThat(head).isNotSameAs(sent);
      // A third exchange on the connection: the first two have ended (their scopes closed).
      assertThat(c.send("GET /blocking/replaced HTTP/1.1\r\nHost: a\r\n\r\n").read().text()).isEqualTo("replaced");
      Await.until(() -> !sources.get("blocking/replaced").closes.isEmpty(), "third exchange ended");
      Await.until(() -> !head.closes.isEmpty(), "HEAD's source closed");
      assertThat(sent.closes).hasSize(1);
      assertThat(head.closes).hasSize(1);
    }
  }
}

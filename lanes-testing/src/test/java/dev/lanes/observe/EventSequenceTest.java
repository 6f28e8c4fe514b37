package dev.lanes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.background.BackgroundTasks;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.Lanes;
import dev.lanes.concurrency.TaskOutcome;
import dev.lanes.http.Response;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RecordingListener;
import dev.lanes.testing.TestClient;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventSequenceTest {

  @Test
  void aBlockingRequestPairsEveryStartWithItsEnd() throws Exception {
    RecordingListener events = RecordingListener.create();
    App app = App.builder().listener(events)
        .get("/items/{id}", req -> Response.text("item " + req.pathParams().get("id")))
        .build();
    try (TestClient client = TestClient.start(app)) {
      int from = events.mark();
      assertThat(client.get("/items/7").text()).isEqualTo("item 7");
      events.await("bodyEnd GET /items/{id} true");
      assertThat(events.since(from)).containsExactly(
          "requestStart GET /items/7",
          "waitStart endpoints",
          "acquired endpoints",
          "taskStart endpoints",
          "taskEnd endpoints completed",
          "requestEnd GET /items/{id} 200",
          "bodyEnd GET /items/{id} true");
    }
    assertThat(events.events()).containsSubsequence(
        "lifespan STARTING", "lifespan STARTED", "lifespan STOPPING", "lifespan STOPPED");
  }

  @Test
  void anUnmatchedRequestIsReportedAsUnmatched() throws Exception {
    RecordingListener events = RecordingListener.create();
    App app = App.builder().listener(events).get("/a", req -> Response.text("a")).build();
    try (TestClient client = TestClient.start(app)) {
      int from = events.mark();
      assertThat(client.get("/nope").status()).isEqualTo(404);
      events.await("bodyEnd unmatched true");
      assertThat(events.since(from)).containsExactly(
          "requestStart GET /nope", "requestEnd unmatched 404", "bodyEnd unmatched true");
    }
  }

  @Test
  void aBackgroundTaskRunsInItsLaneAfterTheResponse() throws Exception {
    RecordingListener events = RecordingListener.create();
    App app = App.builder().listener(events)
        .getAsync("/bg", req -> java.util.concurrent.CompletableFuture.completedFuture(
            Response.text("queued").withBackground(BackgroundTasks.create().add("job", () -> { }))))
        .build();
    try (TestClient client = TestClient.start(app)) {
      int from = events.mark();
      assertThat(client.get("/bg").text()).isEqualTo("queued");
      events.await("backgroundEnd job completed");
      List<String> seen = events.since(from);
      assertThat(seen).containsSubsequence(
          "requestStart GET /bg", "requestEnd GET /bg 200", "bodyEnd GET /bg true");
      assertThat(seen.subList(seen.indexOf("backgroundStart job"), seen.size())).containsExactly(
          "backgroundStart job",
          "waitStart background",
          "acquired background",
          "taskStart background",
          "taskEnd background completed",
          "backgroundEnd job completed");
    }
  }

  /**
   * Background task events name the route's template, as request events do: a listener tagging
   * metrics by it gets one series per route, not one per URL.
   */
  @Test
  void backgroundTaskEventsNameTheRouteTemplate() throws Exception {
    List<String> routes = new CopyOnWriteArrayList<>();
    LanesListener listener = new LanesListener() {
      @Override
      public void backgroundTaskStart(String name, String route) {
        routes.add("start " + route);
      }

      @Override
      public void backgroundTaskEnd(String name, String route, TaskOutcome outcome, Duration duration) {
        routes.add("end " + route);
      }
    };
    App app = App.builder().listener(listener)
        .get("/items/{id}", req -> Response.text("ok").withBackground(BackgroundTasks.create().add("job", () -> { })))
        .build();
    try (TestClient client = TestClient.start(app)) {
      client.get("/items/1");
      client.get("/items/2");
      assertThat(app.background().awaitIdle(Duration.ofSeconds(10))).isTrue();
      Await.until(() -> routes.size() == 4, "two background tasks started and ended");
      assertThat(routes).containsOnly("start GET /items/{id}", "end GET /items/{id}");
    }
  }

  /**
   * requestEnd carries the status that went out when the server sends another in the handler's
   * place: a 101 with no upgrade to switch to goes out as a 500, and is reported as one.
   */
  @Test
  void aRefused101IsReportedAsThe500Sent() throws Exception {
    RecordingListener events = RecordingListener.create();
    App app = App.builder().listener(events)
        .get("/switch", req -> Response.status(101))
        .build();
    try (TestClient client = TestClient.start(app)) {
      RawClient.Transcript t = RawClient.exchange(client.port(),
          "GET /switch HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(t.statuses()).containsExactly(500); // what the client got
      events.await(e -> e.startsWith("bodyEnd GET /switch"));
      assertThat(events.events()).contains("requestEnd GET /switch 500");
    }
  }

  /**
   * A WebSocket upgrade the app accepts once the server drains is answered with a 503, and
   * reported as the 503 sent, not as the 101 the handler returned.
   */
  @Test
  void anUpgradeAcceptedWhileTheServerDrainsIsReportedAsThe503Sent() throws Exception {
    RecordingListener events = RecordingListener.create();
    CountDownLatch accepted = new CountDownLatch(1);
    CompletableFuture<Void> release = new CompletableFuture<>();
    App app = App.builder().listener(events)
        .middleware(next -> req -> !req.path().equals("/ws") ? next.call(req)
            : next.call(req).thenCompose(r -> {
              accepted.countDown();
              return release.thenApply(v -> r); // the 101 waits until the server drains
            }))
        .websocketAsync("/ws", (ws, message) -> ws.sendAsync(message))
        .getAsync("/", req -> CompletableFuture.completedFuture(Response.text("ok")))
        .build();
    Server server = Server.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(10)).build());
    try (app; RawClient idle = RawClient.connect(server.port()); RawClient upgrading = RawClient.connect(server.port())) {
      idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(idle.read().status()).isEqualTo(200);
      upgrading.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
      assertThat(accepted.await(10, TimeUnit.SECONDS)).isTrue();
      Thread closer = Thread.ofPlatform().start(server::close);
      assertThat(idle.readUntilClosed().closed()).as("idle connection dropped: the server drains").isTrue();
      release.complete(null);
      assertThat(upgrading.readUntilClosed().statuses()).containsExactly(503);
      events.await(e -> e.startsWith("bodyEnd GET /ws"));
      assertThat(events.events()).filteredOn(e -> e.startsWith("requestEnd GET /ws"))
          .containsExactly("requestEnd GET /ws 503");
      closer.join(Duration.ofSeconds(10));
    }
  }

  @Test
  void aFullLaneRejectsWithAPairedRejection() throws Exception {
    RecordingListener events = RecordingListener.create();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder().listener(events)
        .lane(Lane.builder("one").capacity(1).maxWaiting(0))
        .route("GET", "/slow", "one", req -> {
          entered.countDown();
          release.await();
          return Response.text("done");
        })
        .build();
    try (TestClient client = TestClient.start(app)) {
      var first = client.sendAsync(client.request("/slow"));
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      int from = events.mark();
      assertThat(client.get("/slow").status()).isEqualTo(503);
      events.await("requestEnd GET /slow 503");
      events.await(e -> e.startsWith("bodyEnd GET /slow"));
      assertThat(events.since(from)).containsExactly(
          "requestStart GET /slow",
          "waitStart one",
          "rejected one QUEUE_FULL",
          "requestEnd GET /slow 503",
          "bodyEnd GET /slow true");
      release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
  }

  @Test
  void aListenerThatThrowsBreaksNothing() throws Exception {
    RecordingListener after = RecordingListener.create();
    LanesListener faulty = new LanesListener() {
      @Override
      public void requestStart(String method, String path) {
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void laneAcquired(String lane, java.time.Duration wait) {
        throw new IllegalStateException("listener bug");
      }
    };
    App app = App.builder().listener(faulty).listener(after)
        .get("/x", req -> Response.text("fine")).build();
    try (TestClient client = TestClient.start(app)) {
      for (int i = 0; i < 3; i++) {
        assertThat(client.get("/x").text()).isEqualTo("fine");
      }
      after.awaitCount("requestEnd GET /x 200", 3);
      assertThat(after.events()).filteredOn("acquired endpoints"::equals).hasSize(3);
    }
  }

  @Test
  void aClientThatLeavesEndsTheRequestAs499() throws Exception {
    RecordingListener events = RecordingListener.create();
    CountDownLatch entered = new CountDownLatch(1);
    App app = App.builder().listener(events)
        .get("/hang", req -> {
          entered.countDown();
          Thread.sleep(60_000); // interrupted when the client leaves
          return Response.text("never");
        })
        .build();
    try (TestClient client = TestClient.start(app)) {
      RawClient raw = RawClient.connect(client.port());
      try {
        raw.send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      } finally {
        raw.close(); // the client leaves mid-request
      }
      events.await("bodyEnd GET /hang false");
      events.await("taskEnd endpoints cancelled");
      // The request ends when the client leaves; the interrupted task ends on its own thread.
      assertThat(events.events()).containsSubsequence(
          "requestStart GET /hang", "requestEnd GET /hang 499", "bodyEnd GET /hang false");
      assertThat(events.events()).containsSubsequence("taskStart endpoints", "taskEnd endpoints cancelled");
    }
  }

  /** A streamed body whose source blocks until {@code release}; it is produced in the streaming lane. */
  private static Response blockedStream(CountDownLatch release) {
    Iterator<String> source = new Iterator<>() {
      boolean sent;

      @Override
      public boolean hasNext() {
        return !sent;
      }

      @Override
      public String next() {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        sent = true;
        return "x";
      }
    };
    return StreamingResponse.of(source, "text/plain");
  }

  @Test
  void aStreamedBodyItsLaneRefusesIsReportedAsThe503ItGot() throws Exception {
    RecordingListener events = RecordingListener.create();
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder().listener(events)
        .lane(Lane.builder(Lanes.STREAMING).capacity(1).maxWaiting(0))
        .get("/s", req -> blockedStream(release))
        .build();
    try (TestClient client = TestClient.start(app);
         RawClient a = RawClient.connect(client.port());
         RawClient b = RawClient.connect(client.port())) {
      a.send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
      Await.value(app.lanes().get(Lanes.STREAMING)::statistics, st -> st.borrowed() == 1,
          "first producer holds the only token");
      events.await("requestEnd GET /s 200"); // its head went out
      int from = events.mark();
      b.send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(b.readUntilClosed().responses()).singleElement()
          .satisfies(r -> assertThat(r.status()).isEqualTo(503));
      events.await(e -> e.startsWith("bodyEnd GET /s"));
      assertThat(events.since(from)).filteredOn(e -> e.startsWith("requestEnd") || e.startsWith("bodyEnd"))
          .as("what listeners and metrics see is what the client got")
          .containsExactly("requestEnd GET /s 503", "bodyEnd GET /s true");
      from = events.mark();
      release.countDown();
      assertThat(a.read().text()).isEqualTo("x");
      events.awaitCount("bodyEnd GET /s true", 2);
      assertThat(events.since(from)).filteredOn(e -> e.startsWith("requestEnd") || e.startsWith("bodyEnd"))
          .containsExactly("bodyEnd GET /s true");
    }
  }

  @Test
  void aStreamedBodyStillQueuedWhenTheClientLeavesEndsAs499() throws Exception {
    RecordingListener events = RecordingListener.create();
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder().listener(events)
        .lane(Lane.builder(Lanes.STREAMING).capacity(1).maxWaiting(1))
        .get("/s", req -> blockedStream(release))
        .build();
    try (TestClient client = TestClient.start(app);
         RawClient a = RawClient.connect(client.port())) {
      a.send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
      Await.value(app.lanes().get(Lanes.STREAMING)::statistics, st -> st.borrowed() == 1,
          "first producer holds the only token");
      events.await("requestEnd GET /s 200"); // its head went out
      int from = events.mark();
      try (RawClient b = RawClient.connect(client.port())) {
        b.send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
        Await.value(app.lanes().get(Lanes.STREAMING)::statistics, st -> st.waiting() == 1,
            "second producer queued");
      } // the client leaves before its producer got a token: no head was ever sent
      events.await(e -> e.startsWith("bodyEnd GET /s"));
      assertThat(events.since(from)).filteredOn(e -> e.startsWith("requestEnd") || e.startsWith("bodyEnd"))
          .containsExactly("requestEnd GET /s 499", "bodyEnd GET /s false");
      release.countDown();
      assertThat(a.read().text()).isEqualTo("x");
    }
  }
}

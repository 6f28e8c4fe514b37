package dev.lanes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Concurrency;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.RecordingListener;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestWebSocket;
import dev.lanes.websocket.Message;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The watchdog names the async handler that blocks its loop, and the app counts its incidents.
 * The handler blocks until the watchdog's report arrives (a latch, not a sleep), so the test
 * cannot be early or late.
 */
class LoopWatchdogTest {

  @Test
  void aBlockingAsyncHandlerIsReportedOnceWithItsRouteAndStack() throws Exception {
    CountDownLatch reported = new CountDownLatch(1);
    RecordingListener events = RecordingListener.create();
    LanesListener onReport = new LanesListener() {
      @Override
      public void eventLoopBlocked(BlockedLoop report) {
        if (report.route().isPresent()) { // not a first request's class loading
          reported.countDown();
        }
      }
    };
    App app = App.builder()
        .listener(events)
        .listener(onReport)
        .blockedLoopThreshold(Duration.ofMillis(50))
        .getAsync("/bad/{id}", req -> {
          // Bad async code: waits on the loop thread. It returns once the watchdog has seen it.
          boolean seen = reported.await(20, TimeUnit.SECONDS);
          return CompletableFuture.completedFuture(Response.text("seen=" + seen));
        })
        .getAsync("/good", req -> CompletableFuture.completedFuture(Response.text("fine")))
        .build();
    try (TestClient client = TestClient.start(app, dev.lanes.server.ServerConfig.builder().ioThreads(1))) {
      assertThat(client.get("/good").text()).isEqualTo("fine");
      int before = events.blockedLoops().size(); // class loading on a first request may be reported too
      assertThat(client.get("/bad/1").text()).isEqualTo("seen=true");
      assertThat(client.get("/good").text()).isEqualTo("fine"); // the loop runs again

      List<BlockedLoop> blocked = events.blockedLoops();
      assertThat(blocked.subList(before, blocked.size()))
          .filteredOn(b -> b.route().isPresent())
          .singleElement()
          .satisfies(b -> {
            assertThat(b.route()).contains("GET /bad/{id}");
            assertThat(b.thread()).startsWith("lanes-loop-");
            assertThat(b.blockedFor()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
            assertThat(b.state()).isEqualTo(Thread.State.TIMED_WAITING); // in CountDownLatch.await
            assertThat(b.certain()).isTrue();
            assertThat(b.stack()).anySatisfy(f ->
                assertThat(f.getClassName()).isEqualTo(CountDownLatch.class.getName()));
            assertThat(b.describe()).contains("GET /bad/{id}", "CountDownLatch.await");
          });
      assertThat(app.observability().blockedLoopIncidents()).isGreaterThanOrEqualTo(1);
    }
  }

  /** An async WebSocket callback blocking its loop is named by its route, as an async handler is. */
  @Test
  void aBlockingAsyncWebSocketCallbackIsReportedWithItsRoute() throws Exception {
    CountDownLatch reported = new CountDownLatch(1);
    RecordingListener events = RecordingListener.create();
    LanesListener onReport = new LanesListener() {
      @Override
      public void eventLoopBlocked(BlockedLoop report) {
        if (report.stack().stream().anyMatch(f -> f.getClassName().equals(CountDownLatch.class.getName()))) {
          reported.countDown();
        }
      }
    };
    App app = App.builder()
        .listener(events)
        .listener(onReport)
        .blockedLoopThreshold(Duration.ofMillis(50))
        .websocketAsync("/ws/chat", (ws, message) -> {
          if (message.equals(new Message.Text("warm up"))) { // the first frames' class loading is over
            ws.sendAsync(message);
            return;
          }
          try { // bad async code: waits on the loop thread until the watchdog has seen it
            ws.sendAsync(new Message.Text("seen=" + reported.await(20, TimeUnit.SECONDS)));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        })
        .build();
    try (TestClient client = TestClient.start(app, dev.lanes.server.ServerConfig.builder().ioThreads(1))) {
      int before;
      try (TestWebSocket ws = client.websocket("/ws/chat")) {
        ws.sendText("warm up");
        assertThat(ws.receiveText()).isEqualTo("warm up");
        before = events.blockedLoops().size();
        ws.sendText("hello");
        assertThat(ws.receiveText()).isEqualTo("seen=true");
      }

      List<BlockedLoop> blocked = events.blockedLoops();
      assertThat(blocked.subList(before, blocked.size())).filteredOn(b -> b.route().isPresent())
          .singleElement()
          .satisfies(b -> {
            assertThat(b.route()).contains("GET /ws/chat");
            assertThat(b.describe()).contains("in async handler GET /ws/chat", "CountDownLatch.await");
          });
    }
  }

  /** The app's incident count covers every server that ran it: it stays when the server stops. */
  @Test
  void blockedLoopIncidentsStayCountedAfterTheServerStops() throws Exception {
    CountDownLatch reported = new CountDownLatch(1);
    LanesListener onReport = new LanesListener() {
      @Override
      public void eventLoopBlocked(BlockedLoop report) {
        reported.countDown(); // any incident will do
      }
    };
    App app = App.builder()
        .listener(onReport)
        .blockedLoopThreshold(Duration.ofMillis(50))
        .getAsync("/bad", req -> {
          boolean seen = reported.await(20, TimeUnit.SECONDS);
          return CompletableFuture.completedFuture(Response.text("seen=" + seen));
        })
        .getAsync("/good", req -> CompletableFuture.completedFuture(Response.text("fine")))
        .build();
    long during;
    try (TestClient client = TestClient.start(app, dev.lanes.server.ServerConfig.builder().ioThreads(1))) {
      assertThat(client.get("/good").text()).isEqualTo("fine");
      assertThat(client.get("/bad").text()).isEqualTo("seen=true");
      during = app.observability().blockedLoopIncidents();
      assertThat(during).isGreaterThanOrEqualTo(1);
    }
    assertThat(app.observability().blockedLoopIncidents())
        .as("incidents reported so far, read after the server stopped").isGreaterThanOrEqualTo(during);
  }

  /**
   * A loop waiting for I/O with no connection runs nothing that could block it, so the watchdog
   * does not wake it: of two loops, only the one holding the connection gets heartbeats. Every
   * check goes over both loops, so three heartbeats on one are three checks that passed the other.
   */
  @Test
  void anIdleLoopWithNoConnectionsGetsNoHeartbeat() throws Exception {
    Map<String, AtomicInteger> heartbeats = new ConcurrentHashMap<>();
    CountDownLatch threeChecks = new CountDownLatch(1);
    LanesListener counting = new LanesListener() {
      @Override
      public void eventLoopLatency(String loop, Duration delay) {
        if (heartbeats.computeIfAbsent(loop, l -> new AtomicInteger()).incrementAndGet() == 3) {
          threeChecks.countDown();
        }
      }
    };
    App app = App.builder().listener(counting).blockedLoopThreshold(Duration.ofMillis(20)).build();
    try (TestClient client = TestClient.start(app, ServerConfig.builder().ioThreads(2));
        Socket connection = new Socket("127.0.0.1", client.port())) { // registered on one of the loops
      assertThat(connection.isConnected()).isTrue();
      assertThat(threeChecks.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(heartbeats).as("loops that got heartbeats").hasSize(1);
    }
  }

  /**
   * A loop whose last connection is gone can still be blocked, by work resumed on it (here the
   * continuation of {@code Concurrency.runInExecutor}, which completes on the caller's loop):
   * it is not waiting for I/O then, so the watchdog still posts to it and reports it, and a watchdog
   * asleep because every loop was idle is woken by the loop.
   */
  @Test
  void aLoopWithNoConnectionsBlockedByATaskIsReported() throws Exception {
    CountDownLatch reported = new CountDownLatch(1);
    LanesListener onReport = new LanesListener() {
      @Override
      public void eventLoopBlocked(BlockedLoop report) {
        if (report.stack().stream().anyMatch(f -> f.getClassName().equals(CountDownLatch.class.getName()))) {
          reported.countDown();
        }
      }
    };
    BlockingQueue<Runnable> held = new LinkedBlockingQueue<>();
    Executor holding = held::add; // runs the work when the test says so
    CompletableFuture<Boolean> seen = new CompletableFuture<>();
    App app = App.builder()
        .listener(onReport)
        .blockedLoopThreshold(Duration.ofMillis(50))
        .getAsync("/later", req -> {
          Concurrency.runInExecutor(holding, () -> "done").thenRun(() -> {
            try { // bad async code, on the loop, after the connection closed
              seen.complete(reported.await(20, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
              seen.completeExceptionally(e);
            }
          });
          return CompletableFuture.completedFuture(Response.text("later"));
        })
        .build();
    java.util.Set<Thread> watchdogsBefore = watchdogs();
    try (TestClient client = TestClient.start(app, ServerConfig.builder().ioThreads(1))) {
      Thread watchdog = watchdogs().stream().filter(t -> !watchdogsBefore.contains(t)).findFirst().orElseThrow();
      try (Socket s = new Socket("127.0.0.1", client.port())) {
        s.getOutputStream().write("GET /later HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        // Read to the server's close: the channel's deregistration is then queued on the loop,
        // ahead of the continuation released below.
        assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).endsWith("later");
      }
      // With its only loop idle and without channels, the watchdog sleeps too: the loop must wake it.
      awaitAsleep(watchdog);
      held.take().run();
      assertThat(seen.get(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static java.util.Set<Thread> watchdogs() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("lanes-watchdog"))
        .collect(java.util.stream.Collectors.toSet());
  }

  /** Waits (up to 20 s) until {@code watchdog} is parked in its sleep while every loop is idle. */
  private static void awaitAsleep(Thread watchdog) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!isAsleep(watchdog)) {
      assertThat(System.nanoTime()).as("watchdog asleep within 20 s").isLessThan(end);
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  private static boolean isAsleep(Thread watchdog) {
    Object blocker = java.util.concurrent.locks.LockSupport.getBlocker(watchdog);
    return blocker != null && blocker.getClass().getSimpleName().equals("WatchdogSleep");
  }

  @Test
  void withTheWatchdogOffNothingIsReported() throws Exception {
    RecordingListener events = RecordingListener.create();
    CountDownLatch started = new CountDownLatch(1);
    App app = App.builder().listener(events).blockedLoopThreshold(Duration.ZERO)
        .getAsync("/x", req -> {
          started.countDown();
          return CompletableFuture.completedFuture(Response.text("x"));
        })
        .build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/x").text()).isEqualTo("x");
      assertThat(started.getCount()).isZero();
    }
    assertThat(events.blockedLoops()).isEmpty();
    assertThat(events.events()).noneMatch(e -> e.startsWith("loopLatency"));
    assertThat(app.observability().blockedLoopIncidents()).isZero();
  }
}

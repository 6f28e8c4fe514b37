package dev.lanes.server;

import static dev.lanes.server.HandStartedServers.config;
import static dev.lanes.server.HandStartedServers.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.observe.LanesListener;
import dev.lanes.observe.LifespanPhase;
import dev.lanes.testing.RawClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code Server.close()} from anywhere: a second caller returns only once the server has stopped;
 * a caller inside a request (a blocking handler on a lane, an async one on an event loop) starts
 * the shutdown without waiting for its own request, and the server stops.
 */
class ServerCloseTest {
  /**
   * An admin endpoint (blocking handler) calls server.close(): the drain does not wait for that
   * request, so the shutdown hooks run at once (on a thread that is not interrupted), not after
   * the grace period.
   */
  @Test
  void closeCalledFromABlockingHandlerDoesNotWaitForItselfNorRunHooksInterrupted() throws Exception {
    AtomicReference<Server> ref = new AtomicReference<>();
    AtomicLong hookAt = new AtomicLong();
    AtomicBoolean hookInterrupted = new AtomicBoolean();
    CountDownLatch hookRan = new CountDownLatch(1);
    App app = App.builder()
        .post("/admin/stop", req -> {
          ref.get().close();
          return Response.text("stopping");
        })
        .onShutdown(s -> {
          hookInterrupted.set(Thread.currentThread().isInterrupted());
          hookAt.set(System.nanoTime());
          hookRan.countDown();
        })
        .build();
    Server server = Server.start(app, config().shutdownGrace(Duration.ofSeconds(6)).build());
    ref.set(server);
    try (app) {
      long start = System.nanoTime();
      RawClient c = RawClient.connect(server.port());
      c.send("POST /admin/stop HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
      assertThat(hookRan.await(20, TimeUnit.SECONDS)).isTrue();
      c.close();
      long tookMs = TimeUnit.NANOSECONDS.toMillis(hookAt.get() - start);
      assertThat(hookInterrupted.get()).as("shutdown hook ran on an interrupted thread").isFalse();
      assertThat(tookMs).as("ms until the shutdown hooks ran (grace 6000 ms, nothing else in flight)")
          .isLessThan(3000);
    } finally {
      server.close();
    }
  }

  /**
   * The same from an async handler (on an event loop): the shutdown, which ends by waiting for the
   * event loops to terminate, runs elsewhere, so the server stops and awaitClose() returns.
   */
  @Test
  void closeCalledFromAnAsyncHandlerLetsTheServerStop() throws Exception {
    AtomicReference<Server> ref = new AtomicReference<>();
    CountDownLatch hookRan = new CountDownLatch(1);
    App app = App.builder()
        .postAsync("/admin/stop", req -> {
          ref.get().close();
          return CompletableFuture.completedFuture(Response.text("stopping"));
        })
        .onShutdown(s -> hookRan.countDown())
        .build();
    Server server = Server.start(app, config().shutdownGrace(Duration.ofMillis(500)).build());
    ref.set(server);
    try (app) {
      RawClient c = RawClient.connect(server.port());
      c.send("POST /admin/stop HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
      CompletableFuture<Void> awaited = CompletableFuture.runAsync(() -> {
        try {
          server.awaitClose();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      boolean stopped;
      try {
        awaited.get(15, TimeUnit.SECONDS);
        stopped = true;
      } catch (java.util.concurrent.TimeoutException e) {
        stopped = false;
      }
      c.close();
      assertThat(hookRan.getCount()).as("shutdown hooks ran").isZero();
      assertThat(stopped).as("awaitClose() returned within 15 s of close() (grace 0.5 s)").isTrue();
    }
  }

  /**
   * The {@code lanes-stop} thread a close from inside a request hands the shutdown to is not a
   * daemon, from a lane thread (virtual, hence daemon) and from an event loop (a daemon) alike:
   * otherwise a {@code main} that returned would let the JVM exit mid-drain, skipping the hooks.
   */
  @Test
  void closeFromInsideARequestShutsDownOnANonDaemonThread() throws Exception {
    for (boolean async : new boolean[] {false, true}) {
      AtomicReference<Server> ref = new AtomicReference<>();
      AtomicReference<String> hookThread = new AtomicReference<>();
      AtomicBoolean hookOnDaemon = new AtomicBoolean(true);
      CountDownLatch hookRan = new CountDownLatch(1);
      App.Builder b = App.builder();
      if (async) {
        b.postAsync("/admin/stop", req -> {
          ref.get().close();
          return CompletableFuture.completedFuture(Response.text("stopping"));
        });
      } else {
        b.post("/admin/stop", req -> {
          ref.get().close();
          return Response.text("stopping");
        });
      }
      App app = b.onShutdown(s -> {
        hookThread.set(Thread.currentThread().getName());
        hookOnDaemon.set(Thread.currentThread().isDaemon());
        hookRan.countDown();
      }).build();
      Server server = Server.start(app, config().shutdownGrace(Duration.ofMillis(500)).build());
      ref.set(server);
      try (app) {
        RawClient c = RawClient.connect(server.port());
        c.send("POST /admin/stop HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
        assertThat(hookRan.await(20, TimeUnit.SECONDS)).isTrue();
        c.close();
        server.awaitClose();
        assertThat(hookThread.get()).isEqualTo("lanes-stop");
        assertThat(hookOnDaemon.get()).as("lanes-stop is a daemon (async handler: " + async + ")").isFalse();
      } finally {
        server.close();
      }
    }
  }

  /**
   * A shutdown hook that closes the server it runs under (a hook closing "every server", a
   * listener reacting to STOPPING) is on the thread doing the close: waiting for that close
   * would wait for itself for ever. It returns at once and the close goes on.
   */
  @Test
  void closeCalledFromAShutdownHookOfTheClosingServerDoesNotDeadlock() throws Exception {
    AtomicReference<Server> ref = new AtomicReference<>();
    AtomicBoolean hookRan = new AtomicBoolean();
    App app = App.builder()
        .onShutdown(s -> {
          ref.get().close();
          hookRan.set(true);
        })
        .build();
    Server server = Server.start(app, config().build());
    ref.set(server);
    try (app) {
      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
      closing.get(30, TimeUnit.SECONDS); // a generous bound: before the fix it never ended
      assertThat(hookRan).as("the hook's close() returned").isTrue();
      server.awaitClose();
    }
  }

  /**
   * A blocking handler whose result is still being finished (its JSON serialised on its lane
   * thread) when the server stops: the event loop, shut down by then, refuses the completion step
   * it would hand over, and the request must still stop counting as in flight.
   */
  @Test
  void aHandlerFinishingAfterTheLoopsStoppedIsNotLeftInFlight() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch serialising = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .get("/slow", req -> {
          entered.countDown();
          go.await();
          return Response.json(new SlowToSerialise(serialising, release));
        })
        .get("/ping", req -> Response.text("pong"))
        .build();
    // One loop: a later request answered on it means it is done with /slow's dispatch, so the
    // handler's result completes on its lane thread (where its JSON is serialised), not inline.
    Server server = Server.start(app, config().ioThreads(1).shutdownGrace(Duration.ofMillis(100)).build());
    try (app; RawClient c = RawClient.connect(server.port())) {
      c.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(get(server, "/ping")).isEqualTo("200 pong");
      go.countDown();
      assertThat(serialising.await(20, TimeUnit.SECONDS)).isTrue();
      server.close(); // the grace passes, connections close, the loops stop
      release.countDown();
      dev.lanes.testing.Await.value(server::statistics, s -> s.inFlight() == 0, "the request no longer in flight");
    } finally {
      go.countDown();
      release.countDown();
    }
  }

  /** A JSON value whose serialisation waits for the test, as a large body keeps a lane thread busy. */
  public static final class SlowToSerialise {
    private final CountDownLatch serialising;
    private final CountDownLatch release;

    SlowToSerialise(CountDownLatch serialising, CountDownLatch release) {
      this.serialising = serialising;
      this.release = release;
    }

    public String getValue() throws InterruptedException {
      serialising.countDown();
      release.await();
      return "done";
    }
  }

  /**
   * Two callers of close() (the signal thread and main's try-with-resources): the second returns
   * only when the first has finished (requests drained, shutdown hooks run), so what it does next
   * (close the app, exit main) does not race with the drain.
   */
  @Test
  void aSecondCloseReturnsOnlyOnceTheServerHasStopped() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch stopping = new CountDownLatch(1);
    AtomicBoolean hookRan = new AtomicBoolean();
    App app = App.builder()
        .get("/slow", req -> {
          running.countDown();
          release.await();
          return Response.text("done");
        })
        .listener(new LanesListener() {
          @Override
          public void lifespan(LifespanPhase phase) {
            if (phase == LifespanPhase.STOPPING) {
              stopping.countDown();
            }
          }
        })
        .onShutdown(s -> hookRan.set(true))
        .build();
    Server server = Server.start(app, config().shutdownGrace(Duration.ofSeconds(10)).build());
    try (app; RawClient c = RawClient.connect(server.port())) {
      c.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Void> first = CompletableFuture.runAsync(server::close);
      assertThat(stopping.await(10, TimeUnit.SECONDS)).isTrue();
      server.close(); // the second caller
      boolean hookRanWhenSecondReturned = hookRan.get();
      int inFlightWhenSecondReturned = server.inFlight();
      release.countDown();
      first.get(15, TimeUnit.SECONDS);
      assertThat(inFlightWhenSecondReturned).as("requests in flight when the second close() returned").isZero();
      assertThat(hookRanWhenSecondReturned).as("shutdown hooks had run when the second close() returned").isTrue();
    } finally {
      release.countDown();
    }
  }
}

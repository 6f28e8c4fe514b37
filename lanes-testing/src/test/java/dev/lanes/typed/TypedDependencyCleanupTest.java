package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When a dependency's after-response cleanup runs: never while the handler may still use the
 * value, even when the client leaves first (FastAPI runs a dependency's exit code after the
 * handler returns).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TypedDependencyCleanupTest {
  record Conn(int id) {}

  /** A pooled connection whose cleanup gives it back; events record the order of things. */
  static final class Pool {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Provides
    Provided<Conn> conn() {
      events.add("open");
      return Provided.of(new Conn(1), () -> events.add("close"));
    }
  }

  static final class Routes {
    final List<String> events;
    final CountDownLatch release = new CountDownLatch(1);

    Routes(List<String> events) {
      this.events = events;
    }

    /** A handler in a call that does not answer interrupts (a JDBC query, a native call) while it uses the connection. */
    @Get("/slow")
    String slow(Conn c) {
      events.add("handler start");
      boolean interrupted = false;
      while (true) {
        try {
          release.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      events.add("handler end");
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return "used " + c.id();
    }
  }

  /**
   * A client that leaves while a blocking handler runs ends the request at once, but the
   * after-response cleanup waits for the handler to return: "open", "handler start", "handler
   * end", "close", as FastAPI (uvicorn) does with a sync handler. Otherwise a pooled connection
   * would go back to the pool while the handler still uses it.
   */
  @Test
  void cleanupWaitsForAHandlerStillRunningAfterTheClientLeaves() throws Exception {
    Pool pool = new Pool();
    Routes routes = new Routes(pool.events);
    TypedApi api = TypedApi.builder().provider(pool).controller(routes).build();
    try (TestClient client = TestClient.start(api.install(App.builder()).build())) {
      try (RawClient raw = RawClient.connect(client.port())) {
        raw.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        Await.until(() -> pool.events.contains("handler start"), "handler running");
      }
      Thread.sleep(1000); // the server notices the client left
      List<String> whileRunning = List.copyOf(pool.events);
      routes.release.countDown();
      Await.until(() -> pool.events.contains("close") && pool.events.contains("handler end"), "handler and cleanup done");
      assertThat(whileRunning).as("cleanup ran while the handler still used the connection")
          .doesNotContain("close");
      assertThat(pool.events).containsExactly("open", "handler start", "handler end", "close");
    }
  }
}

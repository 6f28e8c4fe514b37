package dev.lanes.server;

import static dev.lanes.server.HandStartedServers.config;
import static dev.lanes.server.HandStartedServers.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.observe.LanesListener;
import dev.lanes.observe.LifespanPhase;
import dev.lanes.testing.TestClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Servers come and go on one app: the app's startup hooks run when its first server starts
 * (again after all its servers closed, or after a failed start), its shutdown hooks when its last
 * server closes.
 */
class ServerRestartTest {

  /** A resource a startup hook opens and a shutdown hook closes (a connection pool, say). */
  static final class Db implements AutoCloseable {
    final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public void close() {
      closed.set(true);
    }
  }

  private static App dbApp(AtomicInteger starts) {
    App.Builder b = App.builder();
    var state = b.state();
    return b.onStartup(s -> {
          starts.incrementAndGet();
          s.put(Db.class, new Db());
        })
        .onShutdown(s -> s.find(Db.class).ifPresent(Db::close))
        .get("/db", req -> Response.text(state.get(Db.class).closed.get() ? "closed" : "open"))
        .build();
  }

  /** A server started on an app whose earlier server closed runs the startup hooks again. */
  @Test
  void restartingAServerOnTheSameAppRunsTheStartupHooksAgain() {
    AtomicInteger starts = new AtomicInteger();
    try (App app = dbApp(starts)) {
      Server first = Server.start(app, config().build());
      assertThat(get(first, "/db")).isEqualTo("200 open");
      first.close();
      try (Server second = Server.start(app, config().build())) {
        assertThat(starts.get()).as("startup hook runs").isEqualTo(2);
        assertThat(get(second, "/db")).isEqualTo("200 open");
      }
    }
  }

  /** A startup hook fails (the database is not up yet): a retried start runs the hooks again. */
  @Test
  void retryingStartAfterAFailedStartupHookRunsTheHooksAgain() {
    AtomicInteger attempts = new AtomicInteger();
    App.Builder b = App.builder();
    var state = b.state();
    App app = b.onStartup(s -> {
          if (attempts.incrementAndGet() == 1) {
            throw new IllegalStateException("database not up yet");
          }
          s.put(Db.class, new Db());
        })
        .get("/db", req -> Response.text(state.find(Db.class).isPresent() ? "present" : "missing"))
        .build();
    try (app) {
      assertThatThrownBy(() -> Server.start(app, config().build())).hasMessageContaining("database not up yet");
      try (Server retry = Server.start(app, config().build())) {
        assertThat(attempts.get()).as("startup hook runs on the retried start").isEqualTo(2);
        assertThat(get(retry, "/db")).isEqualTo("200 present");
      }
    }
  }

  /**
   * What a run's startup hooks put lasts for that run, as the state a Starlette lifespan yields
   * does: after the last server closed it is gone (a shutdown hook's {@code find} on the next,
   * failed start must not find the closed resource of the run before and close it again), while
   * what was put before the first start (Starlette's {@code app.state}) stays.
   */
  @Test
  void whatAStartPutIsGoneOnceTheAppStoppedAndWhatWasPutBeforeStays() {
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger closes = new AtomicInteger();
    App.Builder b = App.builder();
    b.state().put(String.class, "config");
    App app = b.onStartup(s -> {
          if (attempts.incrementAndGet() == 2) {
            throw new IllegalStateException("database not up yet");
          }
          s.put(Db.class, new Db());
          s.put(String.class, "run " + attempts.get());
        })
        .onShutdown(s -> s.find(Db.class).ifPresent(db -> {
          closes.incrementAndGet();
          db.close();
        }))
        .build();
    try (app) {
      Server.start(app, config().build()).close();
      assertThat(closes.get()).isEqualTo(1);
      assertThat(app.state().find(Db.class)).as("the closed Db, after the run").isEmpty();
      assertThat(app.state().get(String.class)).as("put before the first start: restored").isEqualTo("config");
      assertThatThrownBy(() -> Server.start(app, config().build())).hasMessageContaining("database not up yet");
      assertThat(closes.get()).as("the failed start's shutdown hook found nothing to close").isEqualTo(1);
      try (Server third = Server.start(app, config().build())) {
        assertThat(get(third, "/missing")).startsWith("404");
        assertThat(app.state(String.class)).isEqualTo("run 3");
        assertThat(app.state(Db.class).closed).isFalse();
      }
      assertThat(closes.get()).isEqualTo(2);
    }
  }

  /**
   * Two servers of one app (say a public and an admin port) share its lifespan: the startup hooks
   * run once, and the shutdown hooks only when the last of them closes.
   */
  @Test
  void closingOneOfTwoServersOfTheSameAppDoesNotCloseTheStateUnderTheOther() {
    AtomicInteger starts = new AtomicInteger();
    try (App app = dbApp(starts)) {
      Server a = Server.start(app, config().build());
      Server b = Server.start(app, config().build());
      Db db = app.state(Db.class);
      try (b) {
        a.close();
        assertThat(starts.get()).as("startup hook runs").isEqualTo(1);
        assertThat(get(b, "/db")).as("server b after server a closed").isEqualTo("200 open");
      }
      assertThat(db.closed).as("closed with the last server").isTrue();
    }
  }

  /**
   * A closed app (a test's {@code TestClient} closed it) started again is refused at once, saying
   * why: its lanes are shut, so it would answer every blocking request with 503.
   */
  @Test
  void aServerOnAClosedAppIsRefusedSayingTheAppIsClosed() {
    AtomicInteger starts = new AtomicInteger();
    App app = dbApp(starts);
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/db").text()).isEqualTo("open");
    }
    assertThatThrownBy(() -> Server.start(app, config().build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed App")
        .hasMessageContaining("build a new App");
    assertThat(starts.get()).as("no startup hook ran for the refused start").isEqualTo(1);
  }
}

package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.observe.LanesListener;
import dev.lanes.observe.LifespanPhase;
import dev.lanes.testing.RawClient;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM with two servers in one process (a public and an admin port): SignalShutdown closes
 * them in parallel, so both stop accepting at once and the process needs one grace period, not
 * their sum (the pod is killed after 30 s).
 */
class SignalShutdownParallelTest {

  @Test
  void onASignalEveryServerStopsAcceptingAtOnce() throws Exception {
    List<String> stopping = new CopyOnWriteArrayList<>();
    CountDownLatch firstStopping = new CountDownLatch(1);
    CountDownLatch bothStopping = new CountDownLatch(2);
    CountDownLatch running = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    App a = app("a", stopping, firstStopping, bothStopping, running, release);
    App b = app("b", stopping, firstStopping, bothStopping, running, release);
    ServerConfig.Builder cfg = ServerConfig.builder().host("127.0.0.1").port(0).stopOnSignal(true)
        .shutdownGrace(Duration.ofSeconds(8));
    Server sa = Server.start(a, cfg.build());
    Server sb = Server.start(b, cfg.build());
    try (a; b; RawClient ca = RawClient.connect(sa.port()); RawClient cb = RawClient.connect(sb.port())) {
      ca.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
      cb.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      // What the lanes-signal-stop thread runs on SIGTERM.
      Method closeAll = Class.forName("dev.lanes.internal.server.SignalShutdown").getDeclaredMethod("closeAll");
      closeAll.setAccessible(true);
      CompletableFuture<Void> signalled = CompletableFuture.runAsync(() -> {
        try {
          closeAll.invoke(null);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(firstStopping.await(10, TimeUnit.SECONDS)).isTrue();
      boolean both = bothStopping.await(3, TimeUnit.SECONDS);
      List<String> drainingAt3s = List.copyOf(stopping);
      release.countDown();
      signalled.get(30, TimeUnit.SECONDS);
      assertThat(both).as("both servers draining within 3 s of the signal (grace 8 s); draining after 3 s: %s", drainingAt3s)
          .isTrue();
    } finally {
      release.countDown();
      sa.close();
      sb.close();
    }
  }

  private static App app(String name, List<String> stopping, CountDownLatch first, CountDownLatch both,
      CountDownLatch running, CountDownLatch release) {
    return App.builder()
        .get("/slow", req -> {
          running.countDown();
          release.await();
          return Response.text("done");
        })
        .listener(new LanesListener() {
          @Override
          public void lifespan(LifespanPhase phase) {
            if (phase == LifespanPhase.STOPPING) {
              stopping.add(name);
              first.countDown();
              both.countDown();
            }
          }
        })
        .build();
  }
}

package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.RawClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * A server's start, drain and stop at their edges: a bind that fails after the startup hooks, an
 * Error from a handler or a hook, an upload under way at close.
 */
class ServerLifecycleEdgesTest {

  /**
   * Server.start runs the startup hooks, then fails to bind (port taken): it promises to "free
   * everything", but the shutdown hooks never run, so what the startup hooks opened stays open.
   */
  @Test
  void bindFailureAfterStartupHooksRunsTheShutdownHooks() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    App app = App.builder()
        .onStartup(s -> log.add("start"))
        .onShutdown(s -> log.add("stop"))
        .build();
    try (app; ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> Server.start(app, ServerConfig.builder().host("127.0.0.1")
          .port(taken.getLocalPort()).build()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot listen");
      assertThat(log).as("startup hooks ran, then the bind failed").containsExactly("start", "stop");
    }
  }

  /**
   * An async handler that throws an Error (an assert under -ea, a StackOverflowError) takes an
   * admission slot it never gives back: inFlight stays 1 for good, so with maxInFlight(1) every
   * later request is answered 503, and close() waits out the whole grace period.
   */
  @Test
  void anErrorThrownByAnAsyncHandlerGivesItsAdmissionSlotBack() throws Exception {
    App app = App.builder()
        .getAsync("/boom", req -> {
          throw new AssertionError("invariant broken");
        })
        .getAsync("/", req -> CompletableFuture.completedFuture(Response.text("ok")))
        .build();
    Server server = Server.start(app, ServerConfig.builder().host("127.0.0.1").port(0).maxInFlight(1)
        .shutdownGrace(Duration.ofSeconds(2)).build());
    try (app; server) {
      try (RawClient c = RawClient.connect(server.port())) {
        c.send("GET /boom HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(c.read().status()).as("the Error answered as a blocking handler's is").isEqualTo(500);
      }
      SoftAssertions soft = new SoftAssertions();
      soft.assertThat(server.inFlight()).as("requests in flight after the Error").isZero();
      try (RawClient c = RawClient.connect(server.port())) {
        c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        soft.assertThat(c.read().status()).as("next request after the Error").isEqualTo(200);
      }
      soft.assertAll();
    }
  }

  /**
   * A request whose head has arrived (the server even sent 100 Continue) and whose body is still
   * being uploaded when close() starts is not in flight by Admission's count: close() skips the
   * grace period, runs the shutdown hooks and cuts the connection without an answer.
   */
  @Test
  void aRequestWhoseBodyIsArrivingWhenCloseStartsIsServedBeforeTheShutdownHooks() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    CountDownLatch hookRan = new CountDownLatch(1);
    App app = App.builder()
        .post("/upload", req -> {
          log.add("handled " + req.body().length);
          return Response.text("got " + req.body().length);
        })
        .onShutdown(s -> {
          log.add("shutdown hook");
          hookRan.countDown();
        })
        .build();
    Server server = Server.start(app, ServerConfig.builder().host("127.0.0.1").port(0)
        .shutdownGrace(Duration.ofSeconds(10)).build());
    try (app; RawClient c = RawClient.connect(server.port())) {
      c.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n");
      assertThat(c.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 100"); // head read, body awaited
      c.send("01234");
      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
      SoftAssertions soft = new SoftAssertions();
      // While the upload is unfinished no shutdown hook may run (grace is 10 s).
      soft.assertThat(hookRan.await(3, TimeUnit.SECONDS))
          .as("shutdown hook ran while a request body was still arriving").isFalse();
      c.send("56789");
      RawClient.Transcript t = c.readUntilClosed();
      soft.assertThat(t.statuses()).as("answer to the upload").containsExactly(200);
      closing.get(15, TimeUnit.SECONDS);
      soft.assertThat(log).containsExactly("handled 10", "shutdown hook");
      soft.assertAll();
    } finally {
      server.close();
    }
  }

  /**
   * A shutdown hook that throws an Error (NoClassDefFoundError is typical at shutdown) escapes
   * Lifespan.stop's catch (Exception): the hooks after it never run, Server.close() throws
   * before stopping the event loops, and awaitClose() — what main blocks in — never returns.
   */
  @Test
  void aShutdownHookThrowingAnErrorStillLetsTheOtherHooksRunAndTheServerStop() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    App app = App.builder()
        .onShutdown(s -> log.add("older hook"))
        .onShutdown(s -> {
          throw new NoClassDefFoundError("com/example/Gone");
        })
        .build();
    Server server = Server.start(app, ServerConfig.builder().host("127.0.0.1").port(0)
        .stopOnSignal(false).build());
    CountDownLatch awaited = new CountDownLatch(1);
    Thread main = Thread.ofPlatform().daemon().start(() -> {
      try {
        server.awaitClose();
        awaited.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try (app) {
      Throwable thrown = null;
      try {
        server.close();
      } catch (Throwable t) {
        thrown = t;
      }
      SoftAssertions soft = new SoftAssertions();
      soft.assertThat(log).as("the remaining shutdown hooks").containsExactly("older hook");
      soft.assertThat(awaited.await(10, TimeUnit.SECONDS)).as("awaitClose() returned").isTrue();
      soft.assertThat(thrown).as("close() documented as logging failing hooks").isNull();
      soft.assertAll();
    } finally {
      main.interrupt();
    }
  }
}

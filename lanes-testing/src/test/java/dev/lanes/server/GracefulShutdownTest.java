package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.background.BackgroundTasks;
import dev.lanes.http.Response;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shutdown order: stop accepting and drop idle connections; in-flight requests finish
 * (answered with Connection: close); what outlives the grace period is cancelled; then the
 * lifespan hooks.
 */
class GracefulShutdownTest {
  private final List<Gate> gates = new ArrayList<>();
  private App app;
  private Server server;

  @AfterEach
  void stop() {
    gates.forEach(Gate::release); // a failed test leaves no handler held for the whole grace period
    if (server != null) {
      server.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void inFlightFinishesWithConnectionCloseIdleGoesAtOnceHooksRunLast() throws Exception {
    Gate hold = gate();
    List<String> log = new CopyOnWriteArrayList<>();
    start(appServingOkAtRoot()
        .get("/hold", req -> {
          hold.pass();
          log.add("request done");
          return Response.text("held");
        })
        .onShutdown(s -> log.add("shutdown hook")),
        ServerConfig.builder().shutdownGrace(Duration.ofSeconds(30)));
    try (RawClient busy = connect(); RawClient idle = idleConnection()) {
      busy.send(get("/hold"));
      hold.awaitEntered();

      CompletableFuture<Void> closing = closeInBackground();
      // The idle keep-alive connection is closed without waiting for the grace period.
      RawClient.Transcript idleEnd = idle.readUntilClosed();
      assertThat(idleEnd.closed()).isTrue();
      assertThat(idleEnd.text()).isEmpty();
      // No new connections once draining (the listener is closed before idle ones go).
      assertThat(closing).isNotDone();
      assertThat(log).isEmpty();

      hold.release();
      RawClient.Transcript done = busy.readUntilClosed();
      assertThat(done.statuses()).containsExactly(200);
      assertThat(done.text()).containsIgnoringCase("connection: close").endsWith("held");
      assertThat(done.closed()).isTrue();
      closing.get(10, TimeUnit.SECONDS);
      assertThat(log).containsExactly("request done", "shutdown hook");
    }
  }

  @Test
  void requestStillRunningAfterTheGracePeriodIsCancelled() throws Exception {
    Gate stuck = gate(); // never released: only the grace deadline ends it
    CountDownLatch interrupted = new CountDownLatch(1);
    start(App.builder()
        .get("/stuck", req -> {
          try {
            stuck.pass();
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
          return Response.text("unreachable");
        }),
        ServerConfig.builder().shutdownGrace(Duration.ofMillis(200)));
    try (RawClient c = connect()) {
      c.send(get("/stuck"));
      stuck.awaitEntered();
      server.close();
      await(interrupted, "handler interrupted");
      assertThat(c.readUntilClosed().closed()).isTrue();
      awaitTokenReturned();
    }
  }

  @Test
  void aResponseBeingStreamedWhenCloseStartsIsDeliveredWhole() throws Exception {
    Gate midway = gate();
    start(appServingOkAtRoot()
        .get("/s", req -> StreamingResponse.writer(out -> {
          for (int i = 0; i < 10; i++) {
            out.write(("chunk " + i + "\n").getBytes());
            if (i == 4) {
              out.flush();
              midway.pass(); // the rest only once the drain has begun
            }
          }
        }, "text/plain")),
        ServerConfig.builder().shutdownGrace(Duration.ofSeconds(10)));
    try (RawClient raw = connect(); RawClient idle = idleConnection()) {
      raw.send(get("/s"));
      midway.awaitEntered();
      CompletableFuture<Void> closing = closeInBackground();
      assertThat(idle.readUntilClosed().closed()).as("idle connection closed: the drain began").isTrue();
      midway.release();
      RawClient.Transcript all = raw.readUntilClosed();
      assertThat(all.closed()).isTrue();
      // One complete response, its chunked body ended properly: nothing was cut.
      assertThat(all.responses()).singleElement().extracting(RawResponse::text)
          .isEqualTo(IntStream.range(0, 10).mapToObj(i -> "chunk " + i + "\n").collect(Collectors.joining()));
      closing.get(15, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWrittenStreamThatNeverEndsIsCutAtTheGraceDeadlineItsWriterStoppedAndTokenReturned() throws Exception {
    CountDownLatch streaming = new CountDownLatch(1);
    CountDownLatch writerEnded = new CountDownLatch(1);
    start(App.builder()
        .get("/forever", req -> StreamingResponse.writer(out -> {
          try {
            while (true) {
              out.write("tick\n".getBytes());
              streaming.countDown();
              Thread.sleep(20); // a slow feed: the stream has nothing to say for a while
            }
          } finally {
            writerEnded.countDown();
          }
        }, "text/plain")),
        ServerConfig.builder().shutdownGrace(Duration.ofMillis(300)));
    try (RawClient raw = connect()) {
      raw.send(get("/forever"));
      await(streaming, "streaming");
      server.close();
      await(writerEnded, "writer stopped");
      assertThat(raw.readUntilClosed().closed()).isTrue();
      awaitTokenReturned();
    }
  }

  @Test
  void aPublishedStreamThatNeverEndsIsCutAtTheGraceDeadlineAndItsSubscriptionCancelled() throws Exception {
    CountDownLatch subscribed = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    Flow.Publisher<byte[]> never = subscriber -> {
      subscriber.onSubscribe(new Flow.Subscription() {
        private boolean first = true;

        @Override
        public void request(long n) {
          if (first) { // one chunk, then silence for ever
            first = false;
            subscriber.onNext("first\n".getBytes());
            subscribed.countDown();
          }
        }

        @Override
        public void cancel() {
          cancelled.countDown();
        }
      });
    };
    start(App.builder()
        .getAsync("/forever", req -> CompletableFuture.completedFuture(
            StreamingResponse.publisher(never, "text/plain"))),
        ServerConfig.builder().shutdownGrace(Duration.ofMillis(300)));
    try (RawClient raw = connect()) {
      raw.send(get("/forever"));
      assertThat(raw.readUntil("first\n")).contains("200");
      await(subscribed, "subscribed");
      server.close();
      await(cancelled, "subscription cancelled");
      assertThat(raw.readUntilClosed().closed()).isTrue();
    }
  }

  @Test
  void aKeptAliveResponseEndingDuringTheDrainClosesItsConnectionAfterItsLastByte() throws Exception {
    Gate hold = gate();
    Gate streamEnd = gate();
    start(appServingOkAtRoot()
        .get("/hold", req -> {
          hold.pass();
          return Response.text("held");
        })
        .get("/s", req -> firstThenLast(streamEnd)),
        // One loop: the drain's signal reaches every connection in the order it was queued.
        ServerConfig.builder().ioThreads(1).shutdownGrace(Duration.ofSeconds(30)));
    try (RawClient busy = connect(); RawClient stream = connect(); RawClient idle = idleConnection()) {
      busy.send(get("/hold"));
      hold.awaitEntered();
      stream.send(get("/s"));
      // Its head went out before the drain: it promised to keep the connection alive.
      assertThat(stream.readUntil("first\n")).doesNotContainIgnoringCase("connection: close");

      CompletableFuture<Void> closing = closeInBackground();
      assertThat(idle.readUntilClosed().closed()).as("idle connection closed: the drain began").isTrue();
      streamEnd.release();
      // While /hold still holds the drain, the stream's end closes its connection: it must not
      // idle on, open to a request the draining server would still serve.
      RawClient.Transcript rest = stream.readUntilClosed();
      assertThat(rest.text()).contains("last\n");
      assertThat(rest.closed()).isTrue();
      assertThat(closing).isNotDone();
      hold.release();
      assertThat(busy.readUntilClosed().text()).endsWith("held");
      closing.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBackgroundTaskOfAResponseSentDuringTheDrainRunsBeforeTheShutdownHooks() throws Exception {
    Gate hold = gate();
    List<String> log = new CopyOnWriteArrayList<>();
    start(App.builder()
        .get("/hold", req -> {
          hold.pass();
          return Response.text("held").withBackground(BackgroundTasks.create()
              .add("audit", () -> log.add("background task")));
        })
        .onShutdown(s -> log.add("shutdown hook")),
        ServerConfig.builder().shutdownGrace(Duration.ofSeconds(30)));
    try (RawClient c = connect()) {
      c.send(get("/hold"));
      hold.awaitEntered();
      CompletableFuture<Void> closing = closeInBackground();
      hold.release();
      assertThat(c.readUntilClosed().text()).endsWith("held");
      closing.get(10, TimeUnit.SECONDS);
      assertThat(log).containsExactly("background task", "shutdown hook");
    }
  }

  @Test
  void aRequestPipelinedBehindAKeptAliveResponseIsStillServedWhenTheDrainBegins() throws Exception {
    Gate streamEnd = gate();
    start(appServingOkAtRoot().get("/s", req -> firstThenLast(streamEnd)),
        ServerConfig.builder().ioThreads(1).shutdownGrace(Duration.ofSeconds(30)));
    try (RawClient c = connect(); RawClient idle = idleConnection()) {
      c.send(get("/s") + get("/"));
      streamEnd.awaitEntered();
      CompletableFuture<Void> closing = closeInBackground();
      assertThat(idle.readUntilClosed().closed()).as("the drain began").isTrue();
      streamEnd.release();
      RawClient.Transcript all = c.readUntilClosed();
      assertThat(all.statuses()).containsExactly(200, 200);
      assertThat(all.responses().get(1).text()).isEqualTo("ok");
      assertThat(all.closed()).isTrue();
      closing.get(10, TimeUnit.SECONDS);
    }
  }

  /** An app whose {@code GET /} answers "ok" at once: what keeps a connection alive and idle. */
  private static App.Builder appServingOkAtRoot() {
    return App.builder().getAsync("/", req -> CompletableFuture.completedFuture(Response.text("ok")));
  }

  /** A chunked stream that sends "first\n" (flushed), waits at {@code gate}, then sends "last\n". */
  private static Response firstThenLast(Gate gate) {
    return StreamingResponse.writer(out -> {
      out.write("first\n".getBytes());
      out.flush();
      gate.pass();
      out.write("last\n".getBytes());
    }, "text/plain");
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n";
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    assertThat(latch.await(10, TimeUnit.SECONDS)).as(what).isTrue();
  }

  /** Builds and starts the app on a free port with {@code config}; {@link #stop()} closes both. */
  private void start(App.Builder routes, ServerConfig.Builder config) {
    app = routes.build();
    server = Server.start(app, config.port(0).build());
  }

  private RawClient connect() {
    return RawClient.connect(server.port());
  }

  /** A connection kept alive after one answered {@code GET /}, idle from then on. */
  private RawClient idleConnection() {
    RawClient idle = connect();
    try {
      idle.send(get("/"));
      assertThat(idle.read().status()).isEqualTo(200);
      return idle;
    } catch (RuntimeException | AssertionError e) {
      idle.close();
      throw e;
    }
  }

  private CompletableFuture<Void> closeInBackground() {
    return CompletableFuture.runAsync(server::close);
  }

  private void awaitTokenReturned() {
    Await.until(() -> app.lanes().get("endpoints").statistics().borrowed() == 0, "token returned");
  }

  private Gate gate() {
    Gate gate = new Gate();
    gates.add(gate);
    return gate;
  }

  /** Where a handler stops: the test awaits its arrival and lets it go on. */
  private static final class Gate {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    /** In the handler: says it has arrived, then waits to be released. */
    void pass() throws InterruptedException {
      entered.countDown();
      released.await();
    }

    void awaitEntered() throws InterruptedException {
      await(entered, "handler entered");
    }

    void release() {
      released.countDown();
    }
  }
}

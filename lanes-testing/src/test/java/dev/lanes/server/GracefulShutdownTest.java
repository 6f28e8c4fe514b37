package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The shutdown order: stop accepting and drop idle connections; in-flight requests finish
 * (answered with Connection: close); what outlives the grace period is cancelled; then the
 * lifespan hooks.
 */
class GracefulShutdownTest {

  @Test
  void inFlightFinishesWithConnectionCloseIdleGoesAtOnceHooksRunLast() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> log = new CopyOnWriteArrayList<>();
    App app = App.builder()
        .get("/hold", req -> {
          entered.countDown();
          release.await(10, TimeUnit.SECONDS);
          log.add("request done");
          return Response.text("held");
        })
        .getAsync("/", req -> CompletableFuture.completedFuture(Response.text("ok")))
        .onShutdown(s -> log.add("shutdown hook"))
        .build();
    Server server = Server.start(app, ServerConfig.builder().port(0)
        .shutdownGrace(Duration.ofSeconds(30)).build());
    try (app;
        RawClient busy = RawClient.connect(server.port());
        RawClient idle = RawClient.connect(server.port())) {
      idle.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(idle.read().status()).isEqualTo(200);
      busy.send("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
      // The idle keep-alive connection is closed without waiting for the grace period.
      RawClient.Transcript idleEnd = idle.readUntilClosed();
      assertThat(idleEnd.closed()).isTrue();
      assertThat(idleEnd.text()).isEmpty();
      // No new connections once draining (the listener is closed before idle ones go).
      assertThat(closing).isNotDone();
      assertThat(log).isEmpty();

      release.countDown();
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
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    App app = App.builder()
        .get("/stuck", req -> {
          entered.countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
          return Response.text("unreachable");
        })
        .build();
    Server server = Server.start(app, ServerConfig.builder().port(0)
        .shutdownGrace(Duration.ofMillis(200)).build());
    try (app; RawClient c = RawClient.connect(server.port())) {
      c.send("GET /stuck HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      server.close();
      assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("handler interrupted").isTrue();
      assertThat(c.readUntilClosed().closed()).isTrue();
      Await.until(() -> app.lanes().get("endpoints").statistics().borrowed() == 0, "token returned");
    }
  }

  @Test
  void aResponseBeingStreamedWhenCloseStartsIsDeliveredWhole() throws Exception {
    CountDownLatch streaming = new CountDownLatch(1);
    App app = App.builder()
        .get("/s", req -> dev.lanes.streaming.StreamingResponse.writer(out -> {
          for (int i = 0; i < 10; i++) {
            out.write(("chunk " + i + "\n").getBytes());
            streaming.countDown();
            Thread.sleep(30);
          }
        }, "text/plain"))
        .build();
    Server server = Server.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(10)).build());
    try (RawClient raw = RawClient.connect(server.port())) {
      raw.send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(streaming.await(10, TimeUnit.SECONDS)).isTrue();
      Thread closer = Thread.ofPlatform().start(server::close);
      RawClient.Transcript all = raw.readUntilClosed();
      assertThat(all.closed()).isTrue();
      // One complete response, its chunked body ended properly: nothing was cut.
      assertThat(all.responses()).singleElement().extracting(RawResponse::text)
          .isEqualTo(IntStream.range(0, 10).mapToObj(i -> "chunk " + i + "\n").collect(Collectors.joining()));
      closer.join(Duration.ofSeconds(15));
    } finally {
      server.close();
      app.close();
    }
  }

  @Test
  void aWrittenStreamThatNeverEndsIsCutAtTheGraceDeadlineItsWriterStoppedAndTokenReturned() throws Exception {
    CountDownLatch streaming = new CountDownLatch(1);
    CountDownLatch writerEnded = new CountDownLatch(1);
    App app = App.builder()
        .get("/forever", req -> dev.lanes.streaming.StreamingResponse.writer(out -> {
          try {
            while (true) {
              out.write("tick\n".getBytes());
              streaming.countDown();
              Thread.sleep(20); // a slow feed: the stream has nothing to say for a while
            }
          } finally {
            writerEnded.countDown();
          }
        }, "text/plain"))
        .build();
    Server server = Server.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofMillis(300)).build());
    try (app; RawClient raw = RawClient.connect(server.port())) {
      raw.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(streaming.await(10, TimeUnit.SECONDS)).isTrue();
      server.close();
      assertThat(writerEnded.await(10, TimeUnit.SECONDS)).as("writer stopped").isTrue();
      assertThat(raw.readUntilClosed().closed()).isTrue();
      Await.until(() -> app.lanes().get("endpoints").statistics().borrowed() == 0, "token returned");
    } finally {
      server.close();
    }
  }

  @Test
  void aPublishedStreamThatNeverEndsIsCutAtTheGraceDeadlineAndItsSubscriptionCancelled() throws Exception {
    CountDownLatch subscribed = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    java.util.concurrent.Flow.Publisher<byte[]> never = subscriber -> {
      subscriber.onSubscribe(new java.util.concurrent.Flow.Subscription() {
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
    App app = App.builder()
        .getAsync("/forever", req -> CompletableFuture.completedFuture(
            dev.lanes.streaming.StreamingResponse.publisher(never, "text/plain")))
        .build();
    Server server = Server.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofMillis(300)).build());
    try (app; RawClient raw = RawClient.connect(server.port())) {
      raw.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.readUntil("first\n")).contains("200");
      assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
      server.close();
      assertThat(cancelled.await(10, TimeUnit.SECONDS)).as("subscription cancelled").isTrue();
      assertThat(raw.readUntilClosed().closed()).isTrue();
    } finally {
      server.close();
    }
  }

  @Test
  void aKeptAliveResponseEndingDuringTheDrainClosesItsConnectionAfterItsLastByte() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch releaseHold = new CountDownLatch(1);
    CountDownLatch releaseStream = new CountDownLatch(1);
    App app = App.builder()
        .get("/hold", req -> {
          holding.countDown();
          releaseHold.await();
          return Response.text("held");
        })
        .get("/s", req -> dev.lanes.streaming.StreamingResponse.writer(out -> {
          out.write("first\n".getBytes());
          out.flush();
          releaseStream.await();
          out.write("last\n".getBytes());
        }, "text/plain"))
        .getAsync("/", req -> CompletableFuture.completedFuture(Response.text("ok")))
        .build();
    // One loop: the drain's signal reaches every connection in the order it was queued.
    Server server = Server.start(app, ServerConfig.builder().port(0).ioThreads(1)
        .shutdownGrace(Duration.ofSeconds(30)).build());
    try (app;
        RawClient busy = RawClient.connect(server.port());
        RawClient stream = RawClient.connect(server.port());
        RawClient idle = RawClient.connect(server.port())) {
      idle.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(idle.read().status()).isEqualTo(200);
      busy.send("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      stream.send("GET /s HTTP/1.1\r\nHost: a\r\n\r\n");
      // Its head went out before the drain: it promised to keep the connection alive.
      assertThat(stream.readUntil("first\n")).doesNotContainIgnoringCase("connection: close");

      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
      assertThat(idle.readUntilClosed().closed()).as("idle connection closed: the drain began").isTrue();
      releaseStream.countDown();
      // While /hold still holds the drain, the stream's end closes its connection: it must not
      // idle on, open to a request the draining server would still serve.
      RawClient.Transcript rest = stream.readUntilClosed();
      assertThat(rest.text()).contains("last\n");
      assertThat(rest.closed()).isTrue();
      assertThat(closing).isNotDone();
      releaseHold.countDown();
      assertThat(busy.readUntilClosed().text()).endsWith("held");
      closing.get(10, TimeUnit.SECONDS);
    } finally {
      releaseHold.countDown();
      server.close();
    }
  }

  @Test
  void aBackgroundTaskOfAResponseSentDuringTheDrainRunsBeforeTheShutdownHooks() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> log = new CopyOnWriteArrayList<>();
    App app = App.builder()
        .get("/hold", req -> {
          holding.countDown();
          release.await();
          return Response.text("held").withBackground(dev.lanes.background.BackgroundTasks.create()
              .add("audit", () -> log.add("background task")));
        })
        .onShutdown(s -> log.add("shutdown hook"))
        .build();
    Server server = Server.start(app, ServerConfig.builder().port(0).shutdownGrace(Duration.ofSeconds(30)).build());
    try (app; RawClient c = RawClient.connect(server.port())) {
      c.send("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
      release.countDown();
      assertThat(c.readUntilClosed().text()).endsWith("held");
      closing.get(10, TimeUnit.SECONDS);
      assertThat(log).containsExactly("background task", "shutdown hook");
    } finally {
      server.close();
    }
  }

  @Test
  void aRequestPipelinedBehindAKeptAliveResponseIsStillServedWhenTheDrainBegins() throws Exception {
    CountDownLatch streamingStarted = new CountDownLatch(1);
    CountDownLatch releaseStream = new CountDownLatch(1);
    App app = App.builder()
        .get("/s", req -> dev.lanes.streaming.StreamingResponse.writer(out -> {
          out.write("first\n".getBytes());
          out.flush();
          streamingStarted.countDown();
          releaseStream.await();
          out.write("last\n".getBytes());
        }, "text/plain"))
        .getAsync("/", req -> CompletableFuture.completedFuture(Response.text("ok")))
        .build();
    Server server = Server.start(app, ServerConfig.builder().port(0).ioThreads(1)
        .shutdownGrace(Duration.ofSeconds(30)).build());
    try (app; RawClient c = RawClient.connect(server.port()); RawClient idle = RawClient.connect(server.port())) {
      idle.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(idle.read().status()).isEqualTo(200);
      c.send("GET /s HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(streamingStarted.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
      assertThat(idle.readUntilClosed().closed()).as("the drain began").isTrue();
      releaseStream.countDown();
      RawClient.Transcript all = c.readUntilClosed();
      assertThat(all.statuses()).containsExactly(200, 200);
      assertThat(all.responses().get(1).text()).isEqualTo("ok");
      assertThat(all.closed()).isTrue();
      closing.get(10, TimeUnit.SECONDS);
    } finally {
      releaseStream.countDown();
      server.close();
    }
  }
}

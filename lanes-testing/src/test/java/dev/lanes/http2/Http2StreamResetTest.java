package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import io.netty.handler.codec.http2.Http2Error;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RST_STREAM from the client cancels that stream's work, and only that stream's. */
@Timeout(60)
class Http2StreamResetTest {

  @Test
  void resetCancelsABlockingHandlerAndReturnsItsToken() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    App app = App.builder()
        .lane(Lane.builder("work").capacity(1).maxWaiting(0))
        .route("GET", "/hang", "work", req -> {
          started.countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            interrupted.countDown();
          }
          return Response.text("never");
        })
        .route("GET", "/quick", "work", req -> Response.text("quick"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(server.port())) {
      H2Client.Stream hang = client.get("/hang");
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      // The lane's only token is taken and nothing may wait: another request now is refused.
      assertThat(client.get("/quick").status()).isEqualTo(503);
      hang.reset(Http2Error.CANCEL);
      assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("handler interrupted").isTrue();
      Await.until(() -> app.lanes().get("work").statistics().borrowed() == 0, "token returned");
      // Same connection, same lane: the token is back.
      assertThat(client.get("/quick").text()).isEqualTo("quick");
      assertThat(hang.headers).isNotDone();
    }
  }

  @Test
  void resetStopsAProducerMidBody() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    AtomicReference<Throwable> stopped = new AtomicReference<>();
    CountDownLatch ended = new CountDownLatch(1);
    App app = App.builder()
        .get("/endless", req -> StreamingResponse.writer(out -> {
          try {
            while (true) {
              out.write(new byte[1024]);
              writing.countDown();
            }
          } catch (IOException e) {
            stopped.set(e);
            throw e;
          } finally {
            ended.countDown();
          }
        }, "application/octet-stream"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(server.port())) {
      H2Client.Stream endless = client.get("/endless");
      assertThat(endless.status()).isEqualTo(200);
      assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
      endless.reset(Http2Error.CANCEL);
      assertThat(ended.await(10, TimeUnit.SECONDS)).as("producer stopped").isTrue();
      assertThat(stopped.get()).isInstanceOf(IOException.class);
      // The producer runs in the streaming lane (the handler's endpoints token came back when it returned).
      Await.until(() -> app.lanes().get(Lanes.STREAMING).statistics().borrowed() == 0, "streaming token returned");
      assertThat(client.get("/endless").status()).as("connection still serves").isEqualTo(200);
    }
  }
}

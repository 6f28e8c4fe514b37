package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.background.BackgroundTasks;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.RecordingListener;
import dev.lanes.testing.TestClient;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The request lifecycle per stream: background tasks, deadlines, listener events, body limits. */
@Timeout(60)
class Http2LifecycleTest {

  @Test
  void backgroundTasksDeadlinesAndListenerEventsWorkPerStream() throws Exception {
    RecordingListener events = RecordingListener.create();
    CountDownLatch backgroundRan = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    App app = App.builder()
        .listener(events)
        .get("/bg", req -> Response.text("queued")
            .withBackground(BackgroundTasks.create().add("mark", backgroundRan::countDown)))
        .route("GET", "/late", RouteOptions.defaults().deadline(Duration.ofMillis(100)),
            (BlockingHandler) req -> {
              never.await();
              return Response.text("never");
            })
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(server.port())) {
      assertThat(client.get("/bg").text()).isEqualTo("queued");
      assertThat(backgroundRan.await(10, TimeUnit.SECONDS)).as("background task after the response").isTrue();
      events.await("requestEnd GET /bg 200");
      assertThat(client.get("/late").status()).isEqualTo(504);
      events.await("requestEnd GET /late 504");
      assertThat(events.events()).contains("requestStart GET /bg", "requestStart GET /late");
    } finally {
      never.countDown();
    }
  }

  @Test
  void aBodyPastMaxBodySizeGets413AndOnlyThatStreamEnds() throws Exception {
    App app = App.builder()
        .post("/upload", req -> Response.text("got " + req.body().length))
        .get("/ping", req -> Response.text("pong"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true).maxBodySize(1000));
        H2Client client = H2Client.connect(server.port())) {
      H2Client.Stream small = client.open(H2Client.request("POST", "/upload"), new byte[1000], true);
      assertThat(small.text()).isEqualTo("got 1000");
      H2Client.Stream big = client.open(H2Client.request("POST", "/upload"), new byte[1001], true);
      assertThat(big.status()).isEqualTo(413);
      assertThat(client.get("/ping").text()).as("the connection goes on").isEqualTo("pong");
    }
  }
}

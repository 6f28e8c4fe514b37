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
import java.nio.charset.StandardCharsets;
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

  /**
   * RFC 9110 10.1.1: a client that sends {@code expect: 100-continue} may hold its body back until
   * a 100 comes (curl, the JDK's HttpClient do), and the server must not wait for the body before
   * sending it. HTTP/1.1 sends one; so must each stream, or its final answer at once when the head
   * already earns one. Other expectations get HTTP/1.1's 417.
   */
  @Test
  void expectContinueGetsA100BeforeTheBodyOrTheFinalAnswerAtOnce() throws Exception {
    App app = App.builder()
        .post("/upload", req -> Response.text("got " + req.body().length))
        .build();
    // A body that never comes times out quickly: the 408 is what a client waiting for a 100 got.
    var config = ServerConfig.builder().h2c(true).maxBodySize(1000).bodyReadTimeout(Duration.ofSeconds(2));
    try (TestClient server = TestClient.start(app, config);
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("POST", "/upload").add("expect", "100-continue").add("content-length", "3"), false);
      RawH2.Frame interim = c.answer(1, 30);
      assertThat(interim.type()).as(String.valueOf(interim)).isEqualTo(RawH2.HEADERS);
      assertThat(interim.headers().status().toString()).as("before the body").isEqualTo("100");
      assertThat(interim.flags() & RawH2.END_STREAM).isZero();
      c.data(1, "abc".getBytes(StandardCharsets.US_ASCII), true);
      RawH2.Frame answer = c.answer(1, 30);
      assertThat(answer.headers().status().toString()).as(String.valueOf(answer)).isEqualTo("200");
      RawH2.Frame body = c.await(f -> f.stream() == 1 && f.type() == RawH2.DATA, 30);
      assertThat(new String(body.payload(), StandardCharsets.US_ASCII)).isEqualTo("got 3");

      // A body past maxBodySize is not asked for: the 413 comes at once.
      c.headers(3, RawH2.request("POST", "/upload").add("expect", "100-continue").add("content-length", "1001"),
          false);
      RawH2.Frame tooLarge = c.answer(3, 30);
      assertThat(tooLarge.headers()).as(String.valueOf(tooLarge)).isNotNull();
      assertThat(tooLarge.headers().status().toString()).isEqualTo("413");

      c.headers(5, RawH2.request("POST", "/upload").add("expect", "something-else"), true);
      RawH2.Frame unmet = c.answer(5, 30);
      assertThat(unmet.headers()).as(String.valueOf(unmet)).isNotNull();
      assertThat(unmet.headers().status().toString()).as("as HTTP/1.1 answers it").isEqualTo("417");
    }
  }

  /**
   * A stream whose head already tells its final answer (no route takes it, the server is at
   * maxInFlight) gets that answer instead of the 100, as on HTTP/1.1, and is then reset with
   * NO_ERROR, its body never asked for (RFC 9113 8.1); the connection goes on.
   */
  @Test
  void expectContinueOnAStreamNoRouteTakesGetsTheFinalAnswerInsteadOf100() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    App app = App.builder()
        .post("/upload", req -> Response.text("got " + req.body().length))
        .get("/hold", (BlockingHandler) req -> {
          holding.countDown();
          release.await();
          return Response.text("held");
        })
        .build();
    var config = ServerConfig.builder().h2c(true).maxInFlight(1);
    try (TestClient server = TestClient.start(app, config);
        RawH2 c = new RawH2(server.port())) {
      c.headers(1, RawH2.request("POST", "/nowhere").add("expect", "100-continue").add("content-length", "3"), false);
      RawH2.Frame notFound = c.answer(1, 30);
      assertThat(notFound.headers()).as(String.valueOf(notFound)).isNotNull();
      assertThat(notFound.headers().status().toString()).isEqualTo("404");
      RawH2.Frame reset = c.await(f -> f.stream() == 1 && f.type() == RawH2.RST_STREAM, 30);
      assertThat(reset).as("the body is not asked for").isNotNull();
      assertThat(reset.error()).isZero();

      c.headers(3, RawH2.request("PUT", "/upload").add("expect", "100-continue").add("content-length", "3"), false);
      RawH2.Frame notAllowed = c.answer(3, 30);
      assertThat(notAllowed.headers()).as(String.valueOf(notAllowed)).isNotNull();
      assertThat(notAllowed.headers().status().toString()).isEqualTo("405");

      c.headers(5, RawH2.request("POST", "/upload").add("expect", "100-continue").add("content-length", "3"), false);
      RawH2.Frame interim = c.answer(5, 30);
      assertThat(interim.headers().status().toString()).as(String.valueOf(interim)).isEqualTo("100");
      c.data(5, "abc".getBytes(StandardCharsets.US_ASCII), true);
      assertThat(c.answer(5, 30).headers().status().toString()).isEqualTo("200");

      c.headers(7, RawH2.request("GET", "/hold"), true);
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      c.headers(9, RawH2.request("POST", "/upload").add("expect", "100-continue").add("content-length", "3"), false);
      RawH2.Frame busy = c.answer(9, 30);
      assertThat(busy.headers()).as(String.valueOf(busy)).isNotNull();
      assertThat(busy.headers().status().toString()).as("the server is full").isEqualTo("503");
      release.countDown();
      assertThat(c.answer(7, 30).headers().status().toString()).isEqualTo("200");
    } finally {
      release.countDown();
    }
  }
}

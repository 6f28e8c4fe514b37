package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.files.FileResponse;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.streaming.EventSourceResponse;
import dev.lanes.streaming.ServerSentEvent;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.TestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of handler and body over h2c, with the JDK's HttpClient (HTTP_2 on an http:// URI:
 * the first request carries {@code Upgrade: h2c}, later ones are streams on the same connection)
 * and with Netty's client by prior knowledge.
 */
@Timeout(60)
class H2cServingTest {
  private static final byte[] BIG = bytes(1 << 20); // 16 default windows' worth
  @TempDir
  static Path dir;
  static Path file;
  static CountDownLatch slowRelease = new CountDownLatch(1);
  static CountDownLatch slowStarted = new CountDownLatch(1);
  static TestClient server;
  static HttpClient h2;

  @BeforeAll
  static void start() throws Exception {
    file = dir.resolve("data.bin");
    Files.write(file, BIG);
    App app = App.builder()
        .lane(Lane.builder("one").capacity(1).maxWaiting(4))
        .getAsync("/async", req -> CompletableFuture.completedFuture(
            Response.text("async " + req.headers().first("x-test").orElse("-"))))
        .get("/blocking", req -> Response.text("blocking on " + Thread.currentThread().getName()))
        .post("/echo", req -> Response.bytes(req.body(), "application/octet-stream"))
        .get("/host", req -> Response.text(req.headers().first("Host").orElse("none")))
        .get("/written", req -> StreamingResponse.writer(out -> {
          for (int i = 0; i < BIG.length; i += 8192) {
            out.write(BIG, i, 8192);
          }
        }, "application/octet-stream"))
        .getAsync("/published", req -> CompletableFuture.completedFuture(
            StreamingResponse.publisher(H2cServingTest::hundredChunks, "text/plain")))
        .get("/sse", req -> {
          Iterator<ServerSentEvent> events = IntStream.range(0, 3)
              .mapToObj(i -> ServerSentEvent.of("event " + i)).iterator();
          return EventSourceResponse.of(events);
        })
        .get("/file", req -> FileResponse.of(req, file))
        .route("GET", "/slow", "one", req -> {
          slowStarted.countDown();
          slowRelease.await();
          return Response.text("slow done");
        })
        .build();
    server = TestClient.start(app, ServerConfig.builder().h2c(true).shutdownGrace(Duration.ofSeconds(5)));
    h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
  }

  @AfterAll
  static void stop() {
    slowRelease.countDown();
    server.close();
  }

  /** Chunks "chunk 0\n" .. "chunk 99\n", one per request(1), as the subscriber asks. */
  private static void hundredChunks(Flow.Subscriber<? super byte[]> subscriber) {
    subscriber.onSubscribe(new Flow.Subscription() {
      int next;
      boolean done;

      @Override
      public void request(long n) {
        for (long k = 0; k < n && !done; k++) {
          subscriber.onNext(("chunk " + next++ + "\n").getBytes(StandardCharsets.UTF_8));
          if (next == 100) {
            done = true;
            subscriber.onComplete();
          }
        }
      }

      @Override
      public void cancel() {
        done = true;
      }
    });
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return h2.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(server.uri(path));
  }

  @Test
  void upgradeServesTheFirstRequestAsStreamOneAndLaterOnesAsStreams() throws Exception {
    HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    var first = fresh.send(get("/async").header("X-Test", "one").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(first.body()).isEqualTo("async one");
    var second = fresh.send(get("/blocking").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(second.body()).startsWith("blocking on lane-endpoints");
  }

  @Test
  void bodiesHostAndHeadAreHttp11s() throws Exception {
    byte[] body = bytes(200_000); // larger than a window: the server must return credit as it buffers
    var echo = send(get("/echo").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertThat(echo.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(echo.body()).isEqualTo(body);
    assertThat(new String(send(get("/host")).body(), StandardCharsets.UTF_8)).isEqualTo("127.0.0.1:" + server.port());
    var head = send(get("/file").method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValueAsLong("content-length")).hasValue(BIG.length);
  }

  @Test
  void writtenPublishedSseAndFileBodiesArriveWhole() throws Exception {
    assertThat(send(get("/written")).body()).isEqualTo(BIG);
    assertThat(new String(send(get("/published")).body(), StandardCharsets.UTF_8).lines())
        .hasSize(100).startsWith("chunk 0").endsWith("chunk 99");
    var sse = send(get("/sse"));
    assertThat(sse.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    assertThat(new String(sse.body(), StandardCharsets.UTF_8)).contains("data: event 0", "data: event 2");
    var f = send(get("/file"));
    assertThat(f.body()).isEqualTo(BIG);
    var range = send(get("/file").header("Range", "bytes=10-19"));
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(BIG, 10, 20));
  }

  @Test
  void aStreamWaitingForItsLaneHoldsUpNoOtherStream() throws Exception {
    try (H2Client client = H2Client.connect(server.port())) {
      H2Client.Stream slow = client.get("/slow"); // holds lane "one"'s only token
      assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
      H2Client.Stream queued = client.get("/slow"); // waits in lane "one"'s queue
      server.awaitWaiting("one", 1);
      List<H2Client.Stream> others = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        others.add(client.get("/async"));
      }
      for (H2Client.Stream s : others) {
        assertThat(s.text()).isEqualTo("async -");
      }
      assertThat(slow.ended).isNotDone();
      assertThat(queued.ended).isNotDone();
      slowRelease.countDown();
      assertThat(slow.text()).isEqualTo("slow done");
      assertThat(queued.text()).isEqualTo("slow done");
    }
  }

  @Test
  void priorKnowledgeConnectionServesManyStreamsAtOnce() throws Exception {
    try (H2Client client = H2Client.connect(server.port())) {
      List<H2Client.Stream> streams = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        streams.add(client.get(i % 2 == 0 ? "/async" : "/blocking"));
      }
      for (int i = 0; i < 50; i++) {
        assertThat(streams.get(i).status()).isEqualTo(200);
        assertThat(streams.get(i).text()).startsWith(i % 2 == 0 ? "async" : "blocking");
      }
      AtomicReference<String> date = new AtomicReference<>();
      H2Client.Stream s = client.get("/async");
      s.headers.get(10, TimeUnit.SECONDS).forEach(e -> {
        assertThat(e.getKey().toString()).isEqualTo(e.getKey().toString().toLowerCase());
        if (e.getKey().toString().equals("date")) {
          date.set(e.getValue().toString());
        }
      });
      assertThat(date.get()).endsWith("GMT");
    }
  }

  @Test
  void badRequestsGetHttp11sAnswersOnTheirStreamOnly() throws Exception {
    try (H2Client client = H2Client.connect(server.port())) {
      H2Client.Stream dots = client.get("/a/../etc/passwd");
      assertThat(dots.status()).isEqualTo(400);
      H2Client.Stream missing = client.get("/nope");
      assertThat(missing.status()).isEqualTo(404);
      assertThat(client.get("/async").text()).isEqualTo("async -");
    }
  }
}

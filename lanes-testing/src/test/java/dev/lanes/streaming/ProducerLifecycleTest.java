package dev.lanes.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.io.Closeable;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ProducerLifecycleTest {

  /** An iterator that reports being closed and yields one line. */
  static final class Source implements Iterator<String>, Closeable {
    final CountDownLatch closed = new CountDownLatch(1);
    final CountDownLatch release;
    boolean sent;

    Source(CountDownLatch release) {
      this.release = release;
    }

    @Override
    public boolean hasNext() {
      return !sent;
    }

    @Override
    public String next() {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sent = true;
      return "x";
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }

  @Test
  void aProducerTheLaneRefusesGets503AndHasItsSourceClosed() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Source first = new Source(release);
    Source second = new Source(release);
    Source[] next = {first, second};
    int[] i = {0};
    App app = App.builder()
        .lane(Lane.builder(Lanes.STREAMING).capacity(1).maxWaiting(0))
        .get("/s", req -> StreamingResponse.of(next[i[0]++], "text/plain"))
        .build();
    try (TestClient client = TestClient.start(app);
         RawClient a = RawClient.connect(client.port());
         RawClient b = RawClient.connect(client.port())) {
      a.send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
      Await.value(app.lanes().get(Lanes.STREAMING)::statistics, st -> st.borrowed() == 1,
          "first producer holds the only token");
      b.send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(second.closed.await(10, TimeUnit.SECONDS)).as("refused producer's source closed").isTrue();
      RawClient.Transcript refused = b.readUntilClosed();
      assertThat(refused.closed()).isTrue();
      assertThat(refused.responses()).as("no head went out before a token was held, so a clean 503 fits")
          .singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("retry-after")).contains("1");
            assertThat(r.header("connection")).contains("close");
          });
      release.countDown();
      RawResponse streamed = a.read();
      assertThat(streamed.text()).isEqualTo("x");
      assertThat(first.closed.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aWriterThatBreaksItsDeclaredLengthCutsTheConnection() throws Exception {
    App app = App.builder()
        .get("/over", req -> Response.of(200, "text/plain",
            new ResponseBody.Written(out -> out.write("12345678".getBytes()), Lanes.STREAMING, 4)))
        .get("/under", req -> Response.of(200, "text/plain",
            new ResponseBody.Written(out -> out.write("12".getBytes()), Lanes.STREAMING, 4)))
        .get("/ok", req -> Response.text("fine"))
        .build();
    try (TestClient client = TestClient.start(app)) {
      for (String path : new String[] {"/over", "/under"}) {
        try (RawClient raw = RawClient.connect(client.port())) {
          // A second request behind it must never be answered on this connection.
          String all = raw.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
              .readUntilClosed().text();
          assertThat(all).as(path).contains("content-length: 4").doesNotContain("fine").doesNotContain("5678");
        }
      }
      assertThat(client.get("/ok").text()).isEqualTo("fine");
    }
  }
}

package dev.lanes.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import dev.lanes.server.ServerConfig;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a streamed body ends, over a real socket: a source that fails midway cuts the HTTP/1.1
 * connection before the last chunk, resets an HTTP/1.0 client's connection (whose body ends at the
 * close) or resets its HTTP/2 stream (the client sees an error, never a short body that looks
 * whole), a client that leaves midway has the source closed and the lane token back, and an empty
 * source is a complete empty body on a connection that stays usable.
 */
@Timeout(60)
class StreamEndTest {
  private static final String GET_S = "GET /s HTTP/1.1\r\nHost: x\r\n\r\n";
  private static final String GET_OK = "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n";

  /** Items from a list, then a failure if asked; reports being closed. */
  static final class Source<T> implements Iterator<T>, Closeable {
    final CountDownLatch closed = new CountDownLatch(1);
    final List<T> items;
    final boolean failAtEnd;
    int next;

    Source(List<T> items, boolean failAtEnd) {
      this.items = items;
      this.failAtEnd = failAtEnd;
    }

    @Override
    public boolean hasNext() {
      if (next < items.size()) {
        return true;
      }
      if (failAtEnd) {
        throw new IllegalStateException("source failed midway");
      }
      return false;
    }

    @Override
    public T next() {
      if (next >= items.size()) {
        throw new NoSuchElementException();
      }
      return items.get(next++);
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }

  @Test
  void aStreamWhoseSourceFailsMidwayIsCutBeforeItsLastChunk() throws Exception {
    Source<String> source = new Source<>(List.of("first\n"), true);
    assertCutAfterFailure(req -> StreamingResponse.of(source, "text/plain"), source, "first");
  }

  @Test
  void anEventStreamWhoseSourceFailsMidwayIsCutBeforeItsLastChunk() throws Exception {
    Source<ServerSentEvent> source = new Source<>(List.of(ServerSentEvent.of("first")), true);
    assertCutAfterFailure(req -> EventSourceResponse.of(source), source, "data: first");
  }

  private static void assertCutAfterFailure(Function<dev.lanes.http.Request, Response> handler,
      Source<?> source, String sent) throws Exception {
    App app = App.builder().get("/s", handler::apply).get("/ok", req -> Response.text("fine")).build();
    try (TestClient client = TestClient.start(app); RawClient raw = RawClient.connect(client.port())) {
      // The request behind it must never be answered on this connection.
      RawClient.Transcript t = raw.send(GET_S + GET_OK).readUntilClosed();
      assertThat(t.closed()).as("connection cut").isTrue();
      assertThat(t.text()).startsWith("HTTP/1.1 200").contains("transfer-encoding: chunked").contains(sent)
          .as("no last chunk: the body cannot pass for complete").doesNotContain("\r\n0\r\n\r\n")
          .doesNotContain("fine");
      assertThat(t.responses()).as("no complete response").isEmpty();
      assertThat(source.closed.await(10, TimeUnit.SECONDS)).as("source closed").isTrue();
      Await.until(() -> app.lanes().get(Lanes.STREAMING).statistics().borrowed() == 0, "streaming token returned");
      assertThat(client.get("/ok").text()).isEqualTo("fine");
    }
  }

  @Test
  void anHttp10ClientOfASourceFailingMidwayGetsAResetNotAnEndOfStream() throws Exception {
    Source<String> source = new Source<>(List.of("first\n"), true);
    App app = App.builder().get("/s", req -> StreamingResponse.of(source, "text/plain")).build();
    try (TestClient client = TestClient.start(app); Socket socket = new Socket("127.0.0.1", client.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET /s HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[8192];
      // A close-delimited body ends where the connection does: only a reset says it was cut.
      assertThatThrownBy(() -> {
        while (in.read(buf) >= 0) {
          // read up to the end or the reset
        }
      }).as("reset, not an end of stream").isInstanceOf(SocketException.class).hasMessageContaining("reset");
      assertThat(source.closed.await(10, TimeUnit.SECONDS)).as("source closed").isTrue();
      Await.until(() -> app.lanes().get(Lanes.STREAMING).statistics().borrowed() == 0, "streaming token returned");
    }
  }

  @Test
  void onHttp2ASourceFailingMidwayResetsItsStreamAndTheConnectionServesOn() throws Exception {
    Source<String> source = new Source<>(List.of("first\n"), true);
    App app = App.builder()
        .get("/s", req -> StreamingResponse.of(source, "text/plain"))
        .get("/ok", req -> Response.text("fine"))
        .build();
    try (TestClient client = TestClient.start(app, ServerConfig.builder().h2c(true))) {
      HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
      // The first request upgrades the connection; the failing body is then a plain stream on it.
      HttpResponse<String> ok = h2.send(HttpRequest.newBuilder(client.uri("/ok")).build(), BodyHandlers.ofString());
      assertThat(ok.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThatThrownBy(() -> h2.send(HttpRequest.newBuilder(client.uri("/s")).build(), BodyHandlers.ofString()))
          .as("a reset stream, not a short body ended with END_STREAM").isInstanceOf(IOException.class);
      assertThat(source.closed.await(10, TimeUnit.SECONDS)).as("source closed").isTrue();
      Await.until(() -> app.lanes().get(Lanes.STREAMING).statistics().borrowed() == 0, "streaming token returned");
      HttpResponse<String> again = h2.send(HttpRequest.newBuilder(client.uri("/ok")).build(), BodyHandlers.ofString());
      assertThat(again.body()).isEqualTo("fine");
      assertThat(again.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }
  }

  /** An event source that waits for its events: the producer blocks in {@code hasNext}. */
  static final class Waiting implements Iterator<ServerSentEvent>, Closeable {
    final BlockingQueue<ServerSentEvent> queue = new LinkedBlockingQueue<>();
    final CountDownLatch closed = new CountDownLatch(1);
    ServerSentEvent ready;

    @Override
    public boolean hasNext() {
      try {
        ready = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for an event", e);
      }
      return true;
    }

    @Override
    public ServerSentEvent next() {
      return ready;
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }

  @Test
  void aClientLeavingAnEventStreamWhileItsSourceWaitsClosesTheSourceAndReturnsTheToken() throws Exception {
    Waiting source = new Waiting();
    App app = App.builder().get("/s", req -> EventSourceResponse.of(source)).build();
    try (TestClient client = TestClient.start(app)) {
      try (RawClient raw = RawClient.connect(client.port())) {
        raw.send(GET_S);
        source.queue.add(ServerSentEvent.of("one"));
        raw.readUntil("data: one");
        // The producer is now blocked waiting for the next event; the client goes away.
      }
      assertThat(source.closed.await(10, TimeUnit.SECONDS)).as("source closed on disconnect").isTrue();
      Await.until(() -> app.lanes().get(Lanes.STREAMING).statistics().borrowed() == 0,
          "streaming token returned");
    }
  }

  @Test
  void anEmptySourceIsACompleteEmptyBodyAndTheConnectionStaysUsable() throws Exception {
    Source<String> plain = new Source<>(List.of(), false);
    Source<ServerSentEvent> events = new Source<>(List.of(), false);
    App app = App.builder()
        .get("/plain", req -> StreamingResponse.of(plain, "text/plain"))
        .get("/events", req -> EventSourceResponse.of(events))
        .get("/ok", req -> Response.text("fine"))
        .build();
    try (TestClient client = TestClient.start(app); RawClient raw = RawClient.connect(client.port())) {
      raw.send("GET /plain HTTP/1.1\r\nHost: x\r\n\r\nGET /events HTTP/1.1\r\nHost: x\r\n\r\n" + GET_OK);
      List<RawResponse> rs = raw.read(3);
      for (RawResponse r : rs.subList(0, 2)) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("transfer-encoding")).contains("chunked");
        assertThat(r.text()).isEmpty();
      }
      assertThat(rs.get(1).header("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
      assertThat(rs.get(2).text()).isEqualTo("fine");
      assertThat(plain.closed.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(events.closed.await(10, TimeUnit.SECONDS)).isTrue();
      Await.until(() -> app.lanes().get(Lanes.STREAMING).statistics().borrowed() == 0, "streaming token returned");
    }
  }
}

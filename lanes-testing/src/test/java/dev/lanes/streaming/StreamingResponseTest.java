package dev.lanes.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lanes;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import java.io.Closeable;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StreamingResponseTest {

  @Test
  void iteratorItemsArriveAsChunksAndTheStreamIsClosed() throws Exception {
    AtomicBoolean closed = new AtomicBoolean();
    App app = App.builder()
        .get("/s", req -> StreamingResponse.of(Stream.of("a\n", "b\n", "c\n").onClose(() -> closed.set(true)), "text/plain"))
        .build();
    try (TestClient client = TestClient.start(app)) {
      var r = client.get("/s");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("a\nb\nc\n");
      assertThat(r.header("transfer-encoding")).contains("chunked");
      Await.until(closed::get, "stream closed");
      Await.until(() -> app.lanes().get(Lanes.STREAMING).statistics().borrowed() == 0, "streaming token returned");
    }
  }

  @Test
  void producerRunsInTheStreamingLane() throws Exception {
    String[] thread = new String[1];
    App app = App.builder()
        .get("/w", req -> StreamingResponse.writer(out -> {
          thread[0] = Thread.currentThread().getName();
          out.write("x".getBytes());
        }, "text/plain"))
        .build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/w").text()).isEqualTo("x");
      assertThat(thread[0]).isEqualTo("lane-streaming");
    }
  }

  @Test
  void slowReaderHoldsTheProducerBackInsteadOfBufferingTheBody() throws Exception {
    long total = 512L * 1024 * 1024;
    byte[] chunk = new byte[64 * 1024];
    AtomicLong produced = new AtomicLong();
    App app = App.builder()
        .get("/big", req -> StreamingResponse.writer(out -> {
          for (long sent = 0; sent < total; sent += chunk.length) {
            out.write(chunk);
            produced.addAndGet(chunk.length);
          }
        }, "application/octet-stream"))
        .build();
    try (TestClient client = TestClient.start(app);
         RawClient raw = RawClient.connectWithReceiveBuffer(client.port(), 4096)) {
      raw.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
      raw.readUntil("\r\n\r\n");
      // The client reads nothing more: the producer must stall after socket buffers fill.
      long[] last = {-1};
      Await.until(() -> {
        long now = produced.get();
        boolean stalled = now == last[0] && now > 0;
        last[0] = now;
        if (!stalled) {
          try {
            Thread.sleep(100); // a stall is no progress over a while, not over one poll
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return stalled;
      }, "producer stalls");
      assertThat(produced.get()).as("bytes produced while nobody reads").isLessThan(64L * 1024 * 1024);
    }
    Await.until(() -> app.lanes().get(Lanes.STREAMING).statistics().borrowed() == 0,
        "lane token back after disconnect");
  }

  @Test
  void disconnectMidStreamClosesTheProducerAndReturnsTheToken() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    CountDownLatch firstSent = new CountDownLatch(1);
    class Endless implements Iterator<String>, Closeable {
      int i;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public String next() {
        if (i++ == 1) {
          firstSent.countDown();
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        return "tick\n";
      }

      @Override
      public void close() {
        closed.countDown();
      }
    }
    App app = App.builder().get("/endless", req -> StreamingResponse.of(new Endless(), "text/plain")).build();
    try (TestClient client = TestClient.start(app)) {
      try (RawClient raw = RawClient.connect(client.port())) {
        raw.send("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n");
        raw.readUntil("tick");
        assertThat(firstSent.await(10, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(closed.await(10, TimeUnit.SECONDS)).as("producer closed on disconnect").isTrue();
      Await.until(() -> app.lanes().get(Lanes.STREAMING).statistics().borrowed() == 0,
          "streaming token returned");
    }
  }

  @Test
  void publisherChunksAreSentInOrder() throws Exception {
    Flow.Publisher<byte[]> publisher = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
      final List<String> items = List.of("one ", "two ", "three");
      int next;
      boolean done;

      @Override
      public void request(long n) {
        for (long k = 0; k < n && !done; k++) {
          if (next < items.size()) {
            subscriber.onNext(items.get(next++).getBytes());
          }
          if (next == items.size()) {
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
    App app = App.builder()
        .getAsync("/p", req -> java.util.concurrent.CompletableFuture.completedFuture(
            StreamingResponse.publisher(publisher, "text/plain")))
        .build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/p").text()).isEqualTo("one two three");
    }
  }

  @Test
  void serverSentEventsAreFramedAndKeptAlive() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Iterator<ServerSentEvent> events = new Iterator<>() {
      int i;

      @Override
      public boolean hasNext() {
        return i < 2;
      }

      @Override
      public ServerSentEvent next() {
        if (i == 1) {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        }
        return ServerSentEvent.of("line1\nline2").withId(Integer.toString(i++)).withEvent("tick");
      }
    };
    App app = App.builder().get("/sse", req -> EventSourceResponse.of(events, Duration.ofMillis(20))).build();
    try (TestClient client = TestClient.start(app); RawClient raw = RawClient.connect(client.port())) {
      raw.send("GET /sse HTTP/1.1\r\nHost: x\r\n\r\n");
      String head = raw.readUntil("data: line2\n\n");
      assertThat(head).contains("text/event-stream").contains("id: 0\nevent: tick\ndata: line1\ndata: line2\n\n");
      raw.readUntil(": keep-alive\n\n"); // sent while the iterator waits
      release.countDown();
      raw.readUntil("id: 1\n");
      raw.readUntil("0\r\n\r\n");
    }
  }

  /**
   * A handler's comments (sse-starlette's {@code ServerSentEvent(comment=...)}) go out as comment
   * lines, each starting with ':', so an EventSource dispatches nothing for them, whatever line
   * breaks the text holds.
   */
  @Test
  void aHandlersCommentReachesTheWireAndABrowserDispatchesNothingForIt() {
    List<ServerSentEvent> events = List.of(ServerSentEvent.of("first").withId("1"),
        ServerSentEvent.comment("hello\r\ndata: injected\rid: 9\n\nbye"),
        ServerSentEvent.of("second").withComment("note"));
    App app = App.builder().get("/sse", req -> EventSourceResponse.of(events.iterator())).build();
    try (TestClient client = TestClient.start(app); RawClient raw = RawClient.connect(client.port())) {
      byte[] body = raw.send("GET /sse HTTP/1.1\r\nHost: x\r\n\r\n").read().body();
      assertThat(new String(body, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("id: 1\ndata: first\n\n"
          + ": hello\n: data: injected\n: id: 9\n: \n: bye\n\n"
          + ": note\ndata: second\n\n");
      EventStreamParser browser = EventStreamParser.parse(body);
      assertThat(browser.dispatched).containsExactly(new EventStreamParser.Dispatched("message", "first", "1"),
          new EventStreamParser.Dispatched("message", "second", "1"));
      assertThat(browser.ignoredComments).hasSize(6);
    }
  }

  @Test
  void http10ClientGetsACloseDelimitedBody() throws Exception {
    App app = App.builder().get("/s", req -> StreamingResponse.of(List.of("x", "y").iterator(), "text/plain")).build();
    try (TestClient client = TestClient.start(app); RawClient raw = RawClient.connect(client.port())) {
      String all = raw.send("GET /s HTTP/1.0\r\n\r\n").readUntilClosed().text();
      assertThat(all).doesNotContainIgnoringCase("transfer-encoding").endsWith("\r\n\r\nxy");
    }
  }
}

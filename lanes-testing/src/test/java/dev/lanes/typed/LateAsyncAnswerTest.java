package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An async route's stage that completes only after its request was abandoned (the client left):
 * the response it makes is never sent, so its streamed source is closed, as the server closes any
 * body it did not send.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LateAsyncAnswerTest {
  static final class Routes {
    final CompletableFuture<Response> later = new CompletableFuture<>();
    final CountDownLatch called = new CountDownLatch(1);
    final CountDownLatch requestEnded = new CountDownLatch(1);

    @Get("/later")
    CompletionStage<Response> later(Request req) {
      req.scope().onClose(requestEnded::countDown); // after the scope's cancellation reached the answer
      called.countDown();
      return later.minimalCompletionStage(); // a stage its caller cannot cancel
    }
  }

  @Test
  void aResponseMadeAfterTheClientLeftHasItsSourceClosed() throws Exception {
    Routes routes = new Routes();
    CountDownLatch closed = new CountDownLatch(1);
    try (TestClient server = TestClient.start(
        TypedApi.builder().controller(routes).build().install(App.builder()).build())) {
      try (RawClient c = RawClient.connect(server.port())) {
        c.send("GET /later HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(routes.called.await(10, TimeUnit.SECONDS)).as("handler called").isTrue();
      }
      assertThat(routes.requestEnded.await(10, TimeUnit.SECONDS)).as("request abandoned").isTrue();
      routes.later.complete(StreamingResponse.of(Stream.of("a").onClose(closed::countDown), "text/plain"));
      assertThat(closed.await(20, TimeUnit.SECONDS)).as("the late response's source closed").isTrue();
    }
  }
}

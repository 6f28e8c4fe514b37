package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cleanup run when the handler returns ({@link Provided#closeAfterHandler()}, FastAPI's
 * {@code scope="function"}) that throws an {@code HttpException} makes the answer, as a {@code yield}
 * dependency raising {@code HTTPException} in its {@code except} does in FastAPI 0.142 (checked side by
 * side: {@code 409 {"detail":"replaced 404"}}); older cleanups are told the replacement. An
 * after-response cleanup runs when the answer is already sent and cannot.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CleanupReplacementTest {
  record Tx(int id) {}

  record Early(Tx tx) {}

  static final class Providers {
    final LinkedBlockingQueue<String> told = new LinkedBlockingQueue<>();

    @Provides
    Provided<Tx> tx() { // after the response: told how the request ended, replacement included
      return Provided.withOutcome(new Tx(1), failure -> {
        told.add("tx: " + describe(failure));
        if (failure != null) {
          throw new HttpException(418, "too late"); // the answer is sent: only logged
        }
      });
    }

    @Provides
    Provided<Early> early(Tx tx, @Header("x-on-success") java.util.Optional<String> onSuccess) {
      return Provided.withOutcome(new Early(tx), failure -> {
        told.add("early: " + describe(failure));
        if (failure instanceof RequestValidationException) { // an HttpException too: first
          throw new HttpException(409, "replaced RequestValidationException");
        } else if (failure instanceof HttpException h) {
          throw new HttpException(409, "replaced " + h.status());
        } else if (failure == null && onSuccess.isPresent()) {
          throw new HttpException(409, "cleanup raised on success");
        }
      }).closeAfterHandler();
    }
  }

  private static String describe(Throwable failure) {
    return failure == null ? "none" : failure.getClass().getSimpleName() + " " + failure.getMessage();
  }

  static final class Routes {
    @Get("/refuses")
    String refuses(Early e) {
      throw new HttpException(404, "nope");
    }

    @Get("/fails")
    String fails(Early e) {
      throw new IllegalStateException("boom");
    }

    @Get("/ok")
    String ok(Early e, @Query @Default("0") int n) {
      return "ok";
    }

    @Get("/async-refuses")
    CompletionStage<String> asyncRefuses(Early e) {
      return CompletableFuture.failedFuture(new HttpException(404, "nope"));
    }

    @Get("/async-ok")
    CompletionStage<String> asyncOk(Early e) {
      return CompletableFuture.completedFuture("ok");
    }

    /** The streamed sources the routes below opened and that were closed since, with the thread that closed each. */
    static final LinkedBlockingQueue<String> CLOSED = new LinkedBlockingQueue<>();

    private static dev.lanes.http.Response streamed(String name) {
      return dev.lanes.streaming.StreamingResponse.of(java.util.stream.Stream.of("a", "b")
          .onClose(() -> CLOSED.add(name + " on " + Thread.currentThread().getName())), "text/plain");
    }

    @Get("/stream")
    dev.lanes.http.Response stream(Early e) {
      return streamed("stream");
    }

    @Get("/async-stream")
    CompletionStage<dev.lanes.http.Response> asyncStream(Early e) {
      return CompletableFuture.completedFuture(streamed("async-stream"));
    }
  }

  private static String nextTold(LinkedBlockingQueue<String> told) throws InterruptedException {
    String s = told.poll(20, TimeUnit.SECONDS);
    assertThat(s).as("a cleanup ran").isNotNull();
    return s;
  }

  private static void answers(TestResponse r, int status, String body) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.text()).isEqualTo(body);
  }

  /** {@code path}, whose after-handler cleanup is asked to raise when the handler returned, answers with its 409. */
  private static void cleanupRaisesOnSuccess(TestClient client, String path) {
    answers(client.send(client.request(path).header("x-on-success", "1")), 409,
        "{\"detail\":\"cleanup raised on success\"}");
  }

  private static TestClient start(Providers p) {
    return TestClient.start(TypedApi.builder().provider(p).controller(new Routes()).build().install(App.builder()).build());
  }

  @Test
  void anAfterHandlerCleanupsHttpExceptionReplacesTheFailure() throws Exception {
    Providers p = new Providers();
    try (TestClient client = start(p)) {
      answers(client.get("/refuses"), 409, "{\"detail\":\"replaced 404\"}");
      assertThat(nextTold(p.told)).isEqualTo("early: HttpException nope");
      assertThat(nextTold(p.told)).isEqualTo("tx: HttpException replaced 404"); // the older one sees the replacement

      answers(client.get("/async-refuses"), 409, "{\"detail\":\"replaced 404\"}");
      assertThat(nextTold(p.told)).isEqualTo("early: HttpException nope");
      assertThat(nextTold(p.told)).isEqualTo("tx: HttpException replaced 404");

      // a 422 too, as FastAPI throws RequestValidationError into the dependency
      answers(client.get("/ok?n=x"), 409, "{\"detail\":\"replaced RequestValidationException\"}");
      assertThat(nextTold(p.told)).startsWith("early: RequestValidationException");
      assertThat(nextTold(p.told)).isEqualTo("tx: HttpException replaced RequestValidationException");
    }
  }

  @Test
  void anAfterHandlerCleanupsHttpExceptionIsTheAnswerOfAHandlerThatReturned() throws Exception {
    Providers p = new Providers();
    try (TestClient client = start(p)) {
      cleanupRaisesOnSuccess(client, "/ok");
      assertThat(nextTold(p.told)).isEqualTo("early: none");
      assertThat(nextTold(p.told)).isEqualTo("tx: HttpException cleanup raised on success");

      cleanupRaisesOnSuccess(client, "/async-ok");
      assertThat(nextTold(p.told)).isEqualTo("early: none");
      assertThat(nextTold(p.told)).isEqualTo("tx: HttpException cleanup raised on success");
    }
  }

  @Test
  void aReplacedResponsesStreamedSourceIsClosed() throws Exception {
    Providers p = new Providers();
    try (TestClient client = start(p)) {
      // The handler's response is never sent: its open source (a cursor, a file) must still be closed,
      // in its lane (the streaming lane's bound, as the server closes any unsent body).
      cleanupRaisesOnSuccess(client, "/stream");
      assertThat(Routes.CLOSED.poll(20, TimeUnit.SECONDS)).as("the replaced response's source was closed")
          .startsWith("stream on lane-streaming");

      cleanupRaisesOnSuccess(client, "/async-stream");
      assertThat(Routes.CLOSED.poll(20, TimeUnit.SECONDS)).as("the replaced response's source was closed")
          .startsWith("async-stream on lane-streaming");
    }
  }

  @Test
  void whatElseACleanupThrowsLeavesTheAnswerAlone() throws Exception {
    Providers p = new Providers();
    try (TestClient client = start(p)) {
      // not an HttpException it replaces: the handler's own failure stands
      answers(client.get("/fails"), 500, "Internal Server Error");
      assertThat(nextTold(p.told)).isEqualTo("early: IllegalStateException boom");
      assertThat(nextTold(p.told)).isEqualTo("tx: IllegalStateException boom"); // its 418 came after the answer
      answers(client.get("/ok"), 200, "\"ok\"");
      assertThat(nextTold(p.told)).isEqualTo("early: none");
      assertThat(nextTold(p.told)).isEqualTo("tx: none");
    }
  }
}

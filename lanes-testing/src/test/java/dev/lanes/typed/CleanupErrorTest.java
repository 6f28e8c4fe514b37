package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.testing.TestClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cleanup that throws an {@code Error} (a failed assertion) does not stop the older cleanups: every
 * one of them runs, as contextlib's {@code ExitStack} runs every exit of a FastAPI request. From an
 * after-handler cleanup the {@code Error} is the outcome the older ones are told and the answer (500).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CleanupErrorTest {
  record Tx(int id) {}

  record Early(Tx tx) {}

  record Asserting(Early early) {}

  record Noisy(Tx tx) {}

  static final class Providers {
    final LinkedBlockingQueue<String> told = new LinkedBlockingQueue<>();

    @Provides
    Provided<Tx> tx() { // after the response
      return Provided.withOutcome(new Tx(1), failure -> told.add("tx: " + describe(failure)));
    }

    @Provides
    Provided<Early> early(Tx tx) { // when the handler returns, older than the one below
      return Provided.withOutcome(new Early(tx), failure -> told.add("early: " + describe(failure))).closeAfterHandler();
    }

    @Provides
    Provided<Asserting> asserting(Early early) {
      return Provided.withOutcome(new Asserting(early), failure -> {
        told.add("asserting: " + describe(failure));
        throw new AssertionError("cleanup assertion");
      }).closeAfterHandler();
    }

    @Provides
    Provided<Noisy> noisy(Tx tx) { // after the response, newer than tx
      return Provided.withOutcome(new Noisy(tx), failure -> {
        told.add("noisy: " + describe(failure));
        throw new AssertionError("after-response assertion");
      });
    }
  }

  private static String describe(Throwable failure) {
    return failure == null ? "none" : failure.getClass().getSimpleName() + " " + failure.getMessage();
  }

  static final class Routes {
    @Get("/after-handler")
    String afterHandler(Asserting a) {
      return "ok";
    }

    @Get("/async-after-handler")
    CompletionStage<String> asyncAfterHandler(Asserting a) {
      return CompletableFuture.completedFuture("ok");
    }

    @Get("/after-response")
    String afterResponse(Noisy n) {
      return "ok";
    }
  }

  private static String nextTold(LinkedBlockingQueue<String> told) throws InterruptedException {
    String s = told.poll(20, TimeUnit.SECONDS);
    assertThat(s).as("a cleanup ran").isNotNull();
    return s;
  }

  private static TestClient start(Providers p) {
    return TestClient.start(TypedApi.builder().provider(p).controller(new Routes()).build().install(App.builder()).build());
  }

  @Test
  void anAfterHandlerCleanupsErrorStillLetsTheOlderCleanupsRunAndIsTheAnswer() throws Exception {
    Providers p = new Providers();
    try (TestClient client = start(p)) {
      for (String path : new String[] {"/after-handler", "/async-after-handler"}) {
        assertThat(client.get(path).status()).as(path).isEqualTo(500);
        assertThat(nextTold(p.told)).isEqualTo("asserting: none");
        assertThat(nextTold(p.told)).as(path).isEqualTo("early: AssertionError cleanup assertion");
        assertThat(nextTold(p.told)).as(path).isEqualTo("tx: AssertionError cleanup assertion");
      }
    }
  }

  @Test
  void anAfterResponseCleanupsErrorStillLetsTheOlderCleanupsRun() throws Exception {
    Providers p = new Providers();
    try (TestClient client = start(p)) {
      assertThat(client.get("/after-response").text()).isEqualTo("\"ok\"");
      assertThat(nextTold(p.told)).isEqualTo("noisy: none");
      assertThat(nextTold(p.told)).isEqualTo("tx: none"); // the answer was sent: what they are told stays
    }
  }
}

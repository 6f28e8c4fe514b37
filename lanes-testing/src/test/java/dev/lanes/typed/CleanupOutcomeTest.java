package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link Provided#withOutcome} cleanup is told how the request went, as FastAPI throws the
 * endpoint's exception into a {@code yield} dependency: commit when the handler returned, roll
 * back when it (or anything after the value was made) failed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CleanupOutcomeTest {
  record Tx(int id) {}

  record Later(Tx tx) {}

  /** Provides a {@code Tx} whose cleanup records what it was told: "commit", or the failure's class and message. */
  static final class TxProvider {
    final LinkedBlockingQueue<String> told = new LinkedBlockingQueue<>();

    @Provides
    Provided<Tx> tx() {
      return Provided.withOutcome(new Tx(1), failure -> told.add(outcome("tx", failure)));
    }
  }

  private static String outcome(String who, Throwable failure) {
    return who + ": " + (failure == null ? "commit" : failure.getClass().getSimpleName() + " " + failure.getMessage());
  }

  static final class Routes {
    final CountDownLatch asyncStarted = new CountDownLatch(1);

    @Get("/ok")
    String ok(Tx tx) {
      return "ok " + tx.id();
    }

    @Get("/refuses")
    String refuses(Tx tx) {
      throw new HttpException(409, "taken");
    }

    @Get("/fails")
    String fails(Tx tx) {
      throw new IllegalStateException("boom");
    }

    @Get("/validated")
    String validated(Tx tx, @Query int n) {
      return "n=" + n;
    }

    @Get("/async-fails")
    CompletionStage<String> asyncFails(Tx tx) {
      return CompletableFuture.supplyAsync(() -> {
        throw new IllegalStateException("stage failed");
      });
    }

    @Get("/async-pending")
    CompletionStage<String> asyncPending(Tx tx) {
      asyncStarted.countDown();
      return new CompletableFuture<>(); // until the client leaves
    }
  }

  /** A {@code Tx} and a {@code Later} made from it, which fails when asked to by a header. */
  static final class LaterProvider {
    final LinkedBlockingQueue<String> told = new LinkedBlockingQueue<>();

    @Provides
    Provided<Tx> tx() {
      return Provided.withOutcome(new Tx(1), failure -> told.add(outcome("tx", failure)));
    }

    @Provides
    Later later(Tx tx, @Header("x-fail") java.util.Optional<String> fail) {
      if (fail.isPresent()) {
        throw new IllegalArgumentException("later dependency: " + fail.get());
      }
      return new Later(tx);
    }
  }

  /** A {@code Tx} and a {@code Later} made from it that is cleaned up when the handler returns. */
  static final class EarlyProvider {
    final LinkedBlockingQueue<String> told = new LinkedBlockingQueue<>();

    @Provides
    Provided<Tx> tx() {
      return Provided.withOutcome(new Tx(1), failure -> told.add(outcome("tx", failure)));
    }

    @Provides
    Provided<Later> early(Tx tx) {
      return Provided.withOutcome(new Later(tx), failure -> told.add(outcome("early", failure))).closeAfterHandler();
    }
  }

  private static TestClient start(Object providers, Object routes) {
    TypedApi api = TypedApi.builder().provider(providers).controller(routes).build();
    return TestClient.start(api.install(App.builder()).build());
  }

  private static String nextTold(LinkedBlockingQueue<String> told) throws InterruptedException {
    String s = told.poll(20, TimeUnit.SECONDS);
    assertThat(s).as("a cleanup ran").isNotNull();
    return s;
  }

  @Test
  void aCleanupIsToldWhetherTheHandlerReturnedOrWhatFailed() throws Exception {
    TxProvider p = new TxProvider();
    try (TestClient client = start(p, new Routes())) {
      assertThat(client.get("/ok").status()).isEqualTo(200);
      assertThat(nextTold(p.told)).isEqualTo("tx: commit");

      assertThat(client.get("/refuses").status()).isEqualTo(409);
      assertThat(nextTold(p.told)).isEqualTo("tx: HttpException taken");

      assertThat(client.get("/fails").status()).isEqualTo(500);
      assertThat(nextTold(p.told)).isEqualTo("tx: IllegalStateException boom");

      assertThat(client.get("/async-fails").status()).isEqualTo(500);
      assertThat(nextTold(p.told)).isEqualTo("tx: IllegalStateException stage failed");
    }
  }

  /** A stage that says when the typed layer has attached its last callback, so it completes only after. */
  static final class WatchedStage<T> extends CompletableFuture<T> {
    final CountDownLatch watched = new CountDownLatch(1);

    @Override
    public CompletableFuture<T> whenComplete(java.util.function.BiConsumer<? super T, ? super Throwable> action) {
      CompletableFuture<T> f = super.whenComplete(action);
      watched.countDown();
      return f;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }

  @Test
  void anAsyncResultThatCannotBecomeAResponseIsAFailure() throws Exception {
    final class Uses {
      @Get("/async-empty")
      CompletionStage<java.util.Optional<String>> asyncEmpty(Tx tx) {
        WatchedStage<java.util.Optional<String>> stage = new WatchedStage<>();
        Thread.startVirtualThread(() -> {
          try {
            stage.watched.await();
          } catch (InterruptedException e) {
            return;
          }
          stage.complete(java.util.Optional.empty()); // a 404: no response from this result
        });
        return stage;
      }
    }
    TxProvider p = new TxProvider();
    try (TestClient client = start(p, new Uses())) {
      assertThat(client.get("/async-empty").status()).isEqualTo(404);
      assertThat(nextTold(p.told)).isEqualTo("tx: HttpException Not Found");
    }
  }

  @Test
  void aValidationErrorAfterTheValueWasMadeIsAFailure() throws Exception {
    TxProvider p = new TxProvider();
    try (TestClient client = start(p, new Routes())) {
      assertThat(client.get("/validated?n=x").status()).isEqualTo(422);
      assertThat(nextTold(p.told)).startsWith("tx: RequestValidationException");
      assertThat(client.get("/validated?n=3").status()).isEqualTo(200);
      assertThat(nextTold(p.told)).isEqualTo("tx: commit");
    }
  }

  @Test
  void aLaterDependencyThatFailsIsTheFailure() throws Exception {
    LaterProvider p = new LaterProvider();
    final class Uses {
      @Get("/later")
      String later(Later later) {
        return "fine";
      }
    }
    try (TestClient client = start(p, new Uses())) {
      assertThat(client.send(client.request("/later").header("x-fail", "no stock")).status()).isEqualTo(500);
      assertThat(nextTold(p.told)).isEqualTo("tx: IllegalArgumentException later dependency: no stock");
      assertThat(client.get("/later").status()).isEqualTo(200);
      assertThat(nextTold(p.told)).isEqualTo("tx: commit");
    }
  }

  @Test
  void anAfterHandlerCleanupIsToldTooBeforeTheAfterResponseOne() throws Exception {
    final class Uses {
      @Get("/early")
      String early(Later early) {
        throw new IllegalStateException("handler failed");
      }
    }
    EarlyProvider p = new EarlyProvider();
    try (TestClient client = start(p, new Uses())) {
      assertThat(client.get("/early").status()).isEqualTo(500);
      assertThat(nextTold(p.told)).isEqualTo("early: IllegalStateException handler failed");
      assertThat(nextTold(p.told)).isEqualTo("tx: IllegalStateException handler failed");
    }
  }

  @Test
  void anAsyncHandlerWhoseClientLeftIsACancellation() throws Exception {
    TxProvider p = new TxProvider();
    Routes routes = new Routes();
    try (TestClient client = start(p, routes)) {
      try (RawClient raw = RawClient.connect(client.port())) {
        raw.send("GET /async-pending HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(routes.asyncStarted.await(20, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(nextTold(p.told)).startsWith("tx: " + CancellationException.class.getSimpleName());
    }
  }

  @Test
  void aPlainCleanupStillRunsAsBeforeAndItsAccessorRunsTheExitAsASuccess() throws Exception {
    LinkedBlockingQueue<String> told = new LinkedBlockingQueue<>();
    Provided<Tx> p = Provided.withOutcome(new Tx(1), failure -> told.add(failure == null ? "commit" : "rollback"));
    p.cleanup().close();
    assertThat(told.poll()).isEqualTo("commit");
    p.exit().close(new IllegalStateException("x"));
    assertThat(told.poll()).isEqualTo("rollback");
    Provided<Tx> plain = Provided.of(new Tx(2), () -> told.add("closed"));
    plain.exit().close(new IllegalStateException("ignored"));
    assertThat(told.poll()).isEqualTo("closed");
  }
}

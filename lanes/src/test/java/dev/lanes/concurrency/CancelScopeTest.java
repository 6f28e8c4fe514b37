package dev.lanes.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CancelScopeTest {
  private static final int THREADS = 4;
  private static final int PER_THREAD = 2_000;

  @Test
  void callbacksRunInRegistrationOrder() {
    StringBuilder order = new StringBuilder();
    CancelScope scope = CancelScope.open();
    scope.onCancel(() -> order.append('a'));
    scope.onCancel(() -> order.append('b'));
    scope.onCancel(() -> order.append('c'));
    scope.cancel();
    assertThat(order).hasToString("abc");
  }

  @Test
  void everyCallbackRacingACancelRunsExactlyOnce() throws Exception {
    for (int round = 0; round < 20; round++) {
      CancelScope scope = CancelScope.open();
      AtomicInteger ran = new AtomicInteger();
      // a registration before the cancel is run by it, one after it runs at once
      Race.registrationsAgainst(THREADS, PER_THREAD, () -> scope.onCancel(ran::incrementAndGet), scope::cancel);
      assertThat(ran).hasValue(THREADS * PER_THREAD);
    }
  }

  @Test
  void aCancelRacingACloseEitherRunsTheCallbacksOnceOrNotAtAll() throws Exception {
    for (int round = 0; round < 200; round++) {
      CancelScope scope = CancelScope.open();
      AtomicInteger ran = new AtomicInteger();
      for (int i = 0; i < 10; i++) {
        scope.onCancel(ran::incrementAndGet);
      }
      Race.registrationsAgainst(1, 1, scope::cancel, scope::close);
      assertThat(ran.get()).as("callbacks run").isIn(0, 10);
      assertThat(scope.isCancelled()).isEqualTo(ran.get() == 10);
    }
  }

  @Test
  void cancelRunsEachCallbackOnceAndLateOnesAtOnce() {
    AtomicInteger calls = new AtomicInteger();
    CancelScope scope = CancelScope.open();
    scope.onCancel(calls::incrementAndGet);
    scope.cancel();
    scope.cancel();
    assertThat(calls).hasValue(1);
    scope.onCancel(calls::incrementAndGet);
    assertThat(calls).hasValue(2);
    assertThat(scope.isCancelled()).isTrue();
    assertThat(scope.deadlinePassed()).isFalse();
  }

  @Test
  void deadlineCancelsLaneWorkAndReturnsItsToken() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    try (Lane lane = Lane.builder("c").capacity(1).build()) {
      CompletableFuture<Void> work = lane.execute(() -> {
        running.countDown();
        try {
          Thread.sleep(Duration.ofMinutes(5));
        } catch (InterruptedException e) {
          interrupted.countDown();
        }
      });
      // Open the scope once the task runs, so the deadline interrupts it rather than dequeuing it.
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      CancelScope scope = CancelScope.withTimeout(Duration.ofMillis(50));
      scope.onCancel(() -> work.cancel(true));
      assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(scope.deadlinePassed()).isTrue();
      try (Permit p = lane.limiter().acquire(Duration.ofSeconds(10))) {
        assertThat(p.isHeld()).isTrue();
      }
      scope.close();
    }
  }

  @Test
  void closedScopeIgnoresItsDeadline() {
    AtomicInteger calls = new AtomicInteger();
    CancelScope scope = CancelScope.withTimeout(Duration.ofHours(1));
    scope.onCancel(calls::incrementAndGet);
    scope.close();
    scope.cancel();
    assertThat(calls).hasValue(0);
    assertThat(scope.isCancelled()).isFalse();
  }
  /** "Cancelling runs each callback once": a callback that throws an Error must not rob the later ones of their run. */
  @Test
  void aCallbackThrowingAnErrorStillLetsTheOthersRun() {
    AtomicInteger ran = new AtomicInteger();
    CancelScope scope = CancelScope.open();
    scope.onCancel(ran::incrementAndGet);
    scope.onCancel(() -> {
      throw new AssertionError("callback bug");
    });
    scope.onCancel(ran::incrementAndGet);
    scope.onCancel(ran::incrementAndGet);
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(scope::cancel);
    assertThat(ran).as("callbacks run besides the failing one").hasValue(3);
    assertThat(thrown).as("the Error still reaches the canceller").isInstanceOf(AssertionError.class);
  }
}

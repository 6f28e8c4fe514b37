package dev.lanes.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CancelScopeTest {

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
}

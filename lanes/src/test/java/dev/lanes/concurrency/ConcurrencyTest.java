package dev.lanes.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lanes.internal.concurrency.LoopBinding;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConcurrencyTest {

  @Test
  void sleepCompletes() throws Exception {
    CompletableFuture<Void> sleep = Concurrency.sleep(Duration.ofMillis(10));
    assertThat(sleep.get(5, TimeUnit.SECONDS)).isNull();
  }

  /** As Thread.sleep and asyncio.sleep: a negative delay, however large, does not wait. */
  @Test
  void aSleepOfAHugeNegativeDelayEndsAtOnce() throws Exception {
    assertThat(Concurrency.sleep(Duration.ofSeconds(Long.MIN_VALUE)).get(5, TimeUnit.SECONDS)).isNull();
    assertThat(Concurrency.sleep(Duration.ofMillis(-1)).get(5, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void cancelledSleepIsCancelled() {
    CompletableFuture<Void> sleep = Concurrency.sleep(Duration.ofHours(1));
    assertThat(sleep.cancel(false)).isTrue();
    assertThat(sleep).isCancelled();
  }

  @Test
  void aSleepCancelledOrFailedTakesItsTimerAlongAndItsDependentsSeeIt() {
    int before = DelayScheduler.pending();
    CompletableFuture<Void> byCancel = Concurrency.sleep(Duration.ofHours(1));
    CompletableFuture<Void> byException = Concurrency.sleep(Duration.ofHours(1));
    CompletableFuture<String> next = byCancel.thenApply(v -> "woke");
    assertThat(DelayScheduler.pending()).isEqualTo(before + 2);

    byCancel.cancel(true);
    byException.completeExceptionally(new java.util.concurrent.CancellationException("stop"));
    assertThat(DelayScheduler.pending()).as("both timers removed").isEqualTo(before);
    assertThat(next).isCompletedExceptionally();
    assertThat(byException).isCancelled();

    CompletableFuture<Void> failed = Concurrency.sleep(Duration.ofHours(1));
    failed.completeExceptionally(new IllegalStateException("failed from outside"));
    assertThat(DelayScheduler.pending()).isEqualTo(before);
  }

  @Test
  void runBlockingPropagatesResultAndRunsInTheLane() throws Exception {
    try (Lane lane = Lane.builder("blk").build()) {
      String where = Concurrency.runBlocking(lane, () -> Thread.currentThread().getName())
          .get(5, TimeUnit.SECONDS);
      assertThat(where).isEqualTo("lane-blk");
    }
  }

  @Test
  void runBlockingPropagatesErrors() {
    try (Lane lane = Lane.builder("blk").build()) {
      CompletableFuture<Object> f = Concurrency.runBlocking(lane, () -> {
        throw new IOException("boom");
      });
      Throwable t = catchThrowable(() -> f.get(5, TimeUnit.SECONDS));
      assertThat(t).isInstanceOf(ExecutionException.class);
      assertThat(t.getCause()).isInstanceOf(IOException.class).hasMessage("boom");
      Await.until("token back", () -> lane.statistics().borrowed() == 0);
      assertThat(lane.statistics().failed()).isEqualTo(1);
    }
  }

  @Test
  void runInExecutorPropagatesResultAndErrors() throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(1, Thread.ofPlatform().name("user-pool-", 0).factory())) {
      assertThat(Concurrency.runInExecutor(pool, () -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS))
          .isEqualTo("user-pool-0");
      CompletableFuture<Object> failing = Concurrency.runInExecutor(pool, () -> {
        throw new IllegalStateException("nope");
      });
      Throwable t = catchThrowable(() -> failing.get(5, TimeUnit.SECONDS));
      assertThat(t.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("nope");
    }
  }

  @Test
  void runInExecutorOnAShutDownExecutorFails() {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    pool.shutdown();
    CompletableFuture<String> f = Concurrency.runInExecutor(pool, () -> "never");
    assertThat(catchThrowable(f::join).getCause()).isInstanceOf(RejectedExecutionException.class);
  }

  /** From a (simulated) event loop, continuations resume on that loop, not on the worker thread. */
  @Test
  void resultsResumeOnTheCallingEventLoop() throws Exception {
    ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("fake-loop").daemon(true).factory());
    try (Lane lane = Lane.builder("hop").build();
        ExecutorService pool = Executors.newFixedThreadPool(1)) {
      loop.submit(() -> LoopBinding.bind(loop)).get();
      AtomicReference<String> afterBlocking = new AtomicReference<>();
      AtomicReference<String> afterExecutor = new AtomicReference<>();
      AtomicReference<String> afterSleep = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(3);
      loop.execute(() -> {
        assertThat(LoopBinding.onLoop()).isTrue();
        Concurrency.runBlocking(lane, () -> 1).thenRun(() -> {
          afterBlocking.set(Thread.currentThread().getName());
          done.countDown();
        });
        Concurrency.runInExecutor(pool, () -> 2).thenRun(() -> {
          afterExecutor.set(Thread.currentThread().getName());
          done.countDown();
        });
        Concurrency.sleep(Duration.ofMillis(5)).thenRun(() -> {
          afterSleep.set(Thread.currentThread().getName());
          done.countDown();
        });
      });
      assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(afterBlocking.get()).isEqualTo("fake-loop");
      assertThat(afterExecutor.get()).isEqualTo("fake-loop");
      assertThat(afterSleep.get()).isEqualTo("fake-loop");
      assertThat(LoopBinding.onLoop()).isFalse(); // the test thread is no loop
    } finally {
      loop.shutdownNow();
    }
  }

  @Test
  void cancellingRunBlockingFromALoopCancelsTheTask() throws Exception {
    ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    try (Lane lane = Lane.builder("cx").capacity(1).build()) {
      loop.submit(() -> LoopBinding.bind(loop)).get();
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch interrupted = new CountDownLatch(1);
      AtomicBoolean finishedNormally = new AtomicBoolean();
      CompletableFuture<Void> f = loop.submit(() -> Concurrency.runBlocking(lane, () -> {
        started.countDown();
        try {
          new CountDownLatch(1).await();
          finishedNormally.set(true);
        } catch (InterruptedException e) {
          interrupted.countDown();
        }
        return (Void) null;
      })).get();
      assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
      f.cancel(true);
      assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
      Await.until("token back", () -> lane.statistics().borrowed() == 0);
      assertThat(finishedNormally).isFalse();
    } finally {
      loop.shutdownNow();
    }
  }
  /**
   * On a loop runBlocking returns a future of its own: a caller that gives up on it ({@code orTimeout},
   * say) must take the queued task out of the lane as it would off the loop, not leave it to run later
   * on a token nobody waits for.
   */
  @Test
  void aRunBlockingFutureFailedByItsCallerOnALoopTakesItsTaskOutOfTheQueue() throws Exception {
    ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    CountDownLatch release = new CountDownLatch(1);
    try (Lane lane = Lane.builder("tq").capacity(1).build()) {
      loop.submit(() -> LoopBinding.bind(loop)).get();
      CountDownLatch holding = new CountDownLatch(1);
      CompletableFuture<Void> holder = lane.execute(() -> {
        holding.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
      AtomicBoolean ran = new AtomicBoolean();
      CompletableFuture<Boolean> queued = loop.submit(() -> Concurrency.runBlocking(lane, () -> ran.getAndSet(true))).get();
      assertThat(lane.statistics().waiting()).isEqualTo(1);

      queued.completeExceptionally(new java.util.concurrent.TimeoutException("caller gave up"));

      assertThat(lane.statistics().waiting()).as("tasks still queued").isZero();
      release.countDown();
      holder.get(5, TimeUnit.SECONDS);
      Await.until("token back", () -> lane.statistics().borrowed() == 0);
      assertThat(lane.statistics().granted()).as("tokens granted: the holder's only").isEqualTo(1);
      assertThat(ran).isFalse();
    } finally {
      release.countDown();
      loop.shutdownNow();
    }
  }
  /**
   * A timer's completion runs its future's dependents: one that blocks (a continuation of a sleep
   * off the loop, a cancel scope's callback closing a socket) must not hold every other timer of
   * the process, lane queue deadlines and route deadlines among them.
   */
  @Test
  void aBlockingTimerCallbackStallsNoOtherTimer() throws Exception {
    Thread test = Thread.currentThread();
    CountDownLatch blockedOnTimer = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Lane lane = Lane.builder("stall").capacity(1).maxQueueWait(Duration.ofMillis(20)).build()) {
      // Retried while the sleep ends before its continuation is added (it then runs here, unblocked).
      while (blockedOnTimer.getCount() > 0) {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Concurrency.sleep(Duration.ofMillis(1)).thenRun(() -> {
          ranOn.set(Thread.currentThread());
          if (Thread.currentThread() != test) {
            blockedOnTimer.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        });
        Await.until("continuation ran", () -> ranOn.get() != null);
      }
      CountDownLatch holding = new CountDownLatch(1);
      lane.execute(() -> {
        holding.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();

      assertThat(Concurrency.sleep(Duration.ofMillis(1)).get(10, TimeUnit.SECONDS)).isNull();
      Throwable queued = catchThrowable(() -> lane.run(() -> "never").get(10, TimeUnit.SECONDS));
      assertThat(queued).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(LaneRejectedException.class);
      CancelScope scope = CancelScope.withTimeout(Duration.ofMillis(1));
      CountDownLatch scopeCancelled = new CountDownLatch(1);
      scope.onCancel(scopeCancelled::countDown);
      assertThat(scopeCancelled.await(10, TimeUnit.SECONDS)).isTrue();
      scope.close();
    } finally {
      release.countDown();
    }
  }
}

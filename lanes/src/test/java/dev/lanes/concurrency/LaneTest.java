package dev.lanes.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LaneTest {

  @Test
  void virtualThreadsNamedAfterTheLaneByDefault() throws Exception {
    try (Lane lane = Lane.builder("reports").build()) {
      Thread t = lane.run(Thread::currentThread).get(5, TimeUnit.SECONDS);
      assertThat(t.isVirtual()).isTrue();
      assertThat(t.getName()).isEqualTo("lane-reports"); // one name, not one built per task
      assertThat(lane.executorKind()).isEqualTo(Lane.ExecutorKind.VIRTUAL);
      assertThat(lane.statistics().capacity()).isEqualTo(40);
    }
  }

  @Test
  void platformThreadsNamedAfterTheLane() throws Exception {
    try (Lane lane = Lane.builder("cpu").capacity(2).platformThreads().build()) {
      Thread t = lane.run(Thread::currentThread).get(5, TimeUnit.SECONDS);
      assertThat(t.isVirtual()).isFalse();
      assertThat(t.isDaemon()).isTrue();
      assertThat(t.getName()).matches("lane-cpu-\\d+");
      assertThat(lane.statistics().executorKind()).isEqualTo(Lane.ExecutorKind.PLATFORM);
    }
  }

  @Test
  void userExecutorRunsTheTasksAndIsNotShutDownByTheLane() throws Exception {
    ExecutorService mine = Executors.newFixedThreadPool(1, Thread.ofPlatform().name("mine-", 0).factory());
    try {
      Lane lane = Lane.builder("user").executor(mine).build();
      assertThat(lane.run(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS)).isEqualTo("mine-0");
      lane.close();
      assertThat(mine.isShutdown()).isFalse();
      assertThat(mine.submit(() -> 42).get(5, TimeUnit.SECONDS)).isEqualTo(42);
    } finally {
      mine.shutdownNow();
    }
  }

  @Test
  void rejectsBadDefinitions() {
    assertThatThrownBy(() -> Lane.builder("has space")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Lane.builder(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Lane.builder("x").capacity(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Lane.builder("x").maxWaiting(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void runsAtMostCapacityTasksAtOnce() throws Exception {
    try (Lane lane = Lane.builder("narrow").capacity(2).build()) {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch started = new CountDownLatch(2);
      AtomicBoolean thirdStarted = new AtomicBoolean();
      List<CompletableFuture<String>> tasks = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        tasks.add(lane.run(() -> {
          started.countDown();
          release.await();
          return "ok";
        }));
      }
      tasks.add(lane.run(() -> {
        thirdStarted.set(true);
        return "third";
      }));
      assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
      Await.until("one task to queue", () -> lane.statistics().waiting() == 1);
      assertThat(lane.statistics()).extracting("borrowed", "available", "waiting").containsExactly(2, 0, 1);
      assertThat(thirdStarted).isFalse();

      release.countDown();
      assertThat(tasks.get(2).get(5, TimeUnit.SECONDS)).isEqualTo("third");
      Await.until("three completions counted", () -> lane.statistics().completed() == 3);
      assertThat(lane.statistics().borrowed()).isZero();
    }
  }

  @Test
  void cancellingAQueuedTaskFreesItsPlaceAndNeverRunsIt() throws Exception {
    try (Lane lane = Lane.builder("q").capacity(1).build()) {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch started = new CountDownLatch(1);
      AtomicBoolean cancelledRan = new AtomicBoolean();
      CompletableFuture<Void> running = lane.execute(() -> {
        started.countDown();
        awaitQuietly(release);
      });
      assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Void> queued = lane.execute(() -> cancelledRan.set(true));
      CompletableFuture<String> after = lane.run(() -> "after");
      assertThat(lane.statistics().waiting()).isEqualTo(2);

      assertThat(queued.cancel(true)).isTrue();
      assertThat(lane.statistics().waiting()).isEqualTo(1);

      release.countDown();
      running.get(5, TimeUnit.SECONDS);
      // FIFO: had the cancelled task kept its place it would have run before this one
      assertThat(after.get(5, TimeUnit.SECONDS)).isEqualTo("after");
      assertThat(cancelledRan).isFalse();
      assertThat(queued).isCancelled();
      // the cancelled task was never run, so only two completions are ever counted
      Await.until("two completions counted", () -> lane.statistics().completed() == 2);
      assertThat(lane.statistics().borrowed()).isZero();
      assertThat(lane.statistics().waiting()).isZero();
    }
  }

  @Test
  void cancellingARunningTaskInterruptsItAndTheTokenComesBack() throws Exception {
    try (Lane lane = Lane.builder("c").capacity(1).build()) {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch interrupted = new CountDownLatch(1);
      CompletableFuture<Void> task = lane.execute(() -> {
        started.countDown();
        try {
          new CountDownLatch(1).await(); // forever, unless interrupted
        } catch (InterruptedException e) {
          interrupted.countDown();
        }
      });
      assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(lane.statistics().borrowed()).isEqualTo(1);

      assertThat(task.cancel(true)).isTrue();

      assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(catchThrowable(task::join)).isInstanceOf(CancellationException.class);
      Await.until("the token to come back", () -> lane.statistics().borrowed() == 0);
      Await.until("the cancellation to be counted", () -> lane.statistics().cancelled() == 1);
      // the one token is usable again, and the next task is not interrupted by a stale interrupt
      assertThat(lane.run(() -> Thread.currentThread().isInterrupted()).get(5, TimeUnit.SECONDS)).isFalse();
      Await.until("the completion to be counted", () -> lane.statistics().completed() == 1);
      assertThat(lane.statistics()).extracting("completed", "failed", "cancelled").containsExactly(1L, 0L, 1L);
    }
  }

  @Test
  void aStaleInterruptDoesNotReachThePoolThreadsNextTask() throws Exception {
    try (Lane lane = Lane.builder("one").capacity(1).platformThreads().build()) {
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> task = lane.execute(() -> {
        started.countDown();
        while (!Thread.currentThread().isInterrupted()) {
          Thread.onSpinWait(); // ignores the interrupt, keeps the flag set
        }
      });
      assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
      task.cancel(true);
      Await.until("token back", () -> lane.statistics().borrowed() == 0);
      // same single pool thread runs the next task: it must not start interrupted
      assertThat(lane.run(() -> Thread.currentThread().isInterrupted()).get(5, TimeUnit.SECONDS)).isFalse();
    }
  }

  @Test
  void resizeAtRuntimeAdmitsQueuedTasks() throws Exception {
    resizeAdmitsQueued(Lane.builder("grow").capacity(1));
  }

  @Test
  void resizeAtRuntimeGrowsAPlatformPool() throws Exception {
    resizeAdmitsQueued(Lane.builder("growp").capacity(1).platformThreads());
  }

  private static void resizeAdmitsQueued(Lane.Builder def) throws Exception {
    try (Lane lane = def.build()) {
      CyclicBarrier allThree = new CyclicBarrier(3);
      List<CompletableFuture<Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int n = i;
        // each task waits until all three run at once: only possible after the resize
        tasks.add(lane.run(() -> {
          allThree.await(20, TimeUnit.SECONDS);
          return n;
        }));
      }
      Await.until("two to queue", () -> lane.statistics().waiting() == 2);
      assertThat(lane.statistics().borrowed()).isEqualTo(1);

      lane.resize(3);

      for (int i = 0; i < 3; i++) {
        assertThat(tasks.get(i).get(20, TimeUnit.SECONDS)).isEqualTo(i);
      }
      assertThat(lane.statistics().capacity()).isEqualTo(3);
      Await.until("tokens back", () -> lane.statistics().borrowed() == 0);

      lane.resize(1); // and back down
      assertThat(lane.run(() -> "small").get(5, TimeUnit.SECONDS)).isEqualTo("small");
      assertThat(lane.statistics().capacity()).isEqualTo(1);
    }
  }

  /**
   * resize on a platform lane sets the pool's sizes and the limiter's tokens one after the other:
   * two callers racing could leave the pool of one and the tokens of the other (tasks holding
   * tokens queued behind too few threads), or fail with IllegalArgumentException when one set the
   * pool's maximum below the core size the other was about to set. Racing resizes must end as the
   * last one applied, pool and tokens alike.
   */
  @Test
  void racingResizesOfAPlatformLaneEndAsOneOfThem() throws Exception {
    int[] sizes = {2, 8, 3, 6};
    for (int round = 0; round < 500; round++) {
      try (Lane lane = Lane.builder("race").capacity(4).platformThreads().build()) {
        CountDownLatch go = new CountDownLatch(1);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> resizers = new ArrayList<>();
        for (int size : sizes) {
          resizers.add(Thread.ofPlatform().start(() -> {
            try {
              go.await();
              lane.resize(size);
            } catch (Throwable t) {
              failures.add(t);
            }
          }));
        }
        go.countDown();
        for (Thread t : resizers) {
          t.join();
        }
        assertThat(failures).as("round %d", round).isEmpty();
        int last = ((LaneSizing.Fixed) lane.sizing()).capacity();
        assertThat(lane.statistics().capacity()).as("tokens after round %d", round).isEqualTo(last);
        // as many tasks as tokens run at once, so the pool has a thread for each token
        CyclicBarrier all = new CyclicBarrier(last);
        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < last; i++) {
          tasks.add(lane.run(() -> all.await(10, TimeUnit.SECONDS)));
        }
        for (CompletableFuture<Integer> task : tasks) {
          assertThat(catchThrowable(() -> task.get(20, TimeUnit.SECONDS)))
              .as("a task of %d in round %d (%s)", last, round, lane.statistics()).isNull();
        }
      }
    }
  }

  @Test
  void statisticsCountCompletedFailedAndCancelled() throws Exception {
    try (Lane lane = Lane.builder("stats").capacity(4).build()) {
      lane.run(() -> 1).get(5, TimeUnit.SECONDS);
      lane.run(() -> 2).get(5, TimeUnit.SECONDS);
      CompletableFuture<Object> failing = lane.run(() -> {
        throw new IOException("disk on fire");
      });
      ExecutionException failure = (ExecutionException) catchThrowable(() -> failing.get(5, TimeUnit.SECONDS));
      assertThat(failure.getCause()).isInstanceOf(IOException.class).hasMessage("disk on fire");

      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> blocked = lane.execute(() -> {
        started.countDown();
        awaitQuietly(new CountDownLatch(1));
      });
      assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
      blocked.cancel(true);

      Await.until("all counted", () -> lane.statistics().cancelled() == 1 && lane.statistics().borrowed() == 0
          && lane.statistics().completed() == 2 && lane.statistics().failed() == 1);
      LaneStatistics s = lane.statistics();
      assertThat(s.name()).isEqualTo("stats");
      assertThat(s).extracting("completed", "failed", "cancelled", "rejected", "timedOut")
          .containsExactly(2L, 1L, 1L, 0L, 0L);
      assertThat(s.maxQueueWait()).isGreaterThanOrEqualTo(s.meanQueueWait());
    }
  }

  @Test
  void fullQueueRejectsWithLaneRejectedException() throws Exception {
    try (Lane lane = Lane.builder("tight").capacity(1).maxWaiting(0).build()) {
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Void> holder = lane.execute(() -> awaitQuietly(release));
      CompletableFuture<String> rejected = lane.run(() -> "never");
      Throwable cause = catchThrowable(() -> rejected.get(5, TimeUnit.SECONDS)).getCause();
      assertThat(cause).isInstanceOf(LaneRejectedException.class);
      assertThat(((LaneRejectedException) cause).reason()).isEqualTo(LaneRejectedException.Reason.QUEUE_FULL);
      assertThat(lane.statistics().rejected()).isEqualTo(1);
      release.countDown();
      holder.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aUserBuiltLaneQueuesFourTimesItsCapacityByDefault() throws Exception {
    try (Lane lane = Lane.builder("bounded").capacity(2).build()) {
      CountDownLatch release = new CountDownLatch(1);
      List<CompletableFuture<Void>> admitted = fill(lane, 2 + 8, release);
      Await.until("8 queued", () -> lane.statistics().waiting() == 8);

      CompletableFuture<String> eleventh = lane.run(() -> "never");
      Throwable cause = catchThrowable(() -> eleventh.get(5, TimeUnit.SECONDS)).getCause();
      assertThat(cause).isInstanceOf(LaneRejectedException.class);
      assertThat(((LaneRejectedException) cause).reason()).isEqualTo(LaneRejectedException.Reason.QUEUE_FULL);
      assertThat(lane.statistics().rejected()).isEqualTo(1);

      release.countDown();
      for (CompletableFuture<Void> f : admitted) {
        f.get(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void anUnboundedQueueTakesEveryTask() throws Exception {
    try (Lane lane = Lane.builder("unbounded").capacity(2).unboundedQueue().build()) {
      CountDownLatch release = new CountDownLatch(1);
      List<CompletableFuture<Void>> admitted = fill(lane, 2 + 8 + 1, release);
      Await.until("9 queued", () -> lane.statistics().waiting() == 9);
      assertThat(lane.statistics().rejected()).isZero();

      release.countDown();
      for (CompletableFuture<Void> f : admitted) {
        f.get(5, TimeUnit.SECONDS);
      }
      assertThat(lane.statistics().completed()).isEqualTo(11);
    }
  }

  /** Submits {@code n} tasks that hold their token until {@code release}; returns once two run. */
  private static List<CompletableFuture<Void>> fill(Lane lane, int n, CountDownLatch release)
      throws InterruptedException {
    CountDownLatch running = new CountDownLatch(2);
    List<CompletableFuture<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tasks.add(lane.execute(() -> {
        running.countDown();
        awaitQuietly(release);
      }));
    }
    assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
    return tasks;
  }

  @Test
  void maxQueueWaitRejectsWithWaitTimeout() throws Exception {
    try (Lane lane = Lane.builder("slowq").capacity(1).maxQueueWait(Duration.ofMillis(20)).build()) {
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Void> holder = lane.execute(() -> awaitQuietly(release));
      CompletableFuture<String> late = lane.run(() -> "never");
      Throwable cause = catchThrowable(() -> late.get(5, TimeUnit.SECONDS)).getCause();
      assertThat(cause).isInstanceOf(LaneRejectedException.class);
      assertThat(((LaneRejectedException) cause).reason()).isEqualTo(LaneRejectedException.Reason.WAIT_TIMEOUT);
      // counted by the timer right after it fails the wait
      Await.until("the timeout to be counted", () -> lane.statistics().timedOut() == 1);
      release.countDown();
      holder.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aClosedLaneRejectsWorkAndLeaksNoToken() {
    Lane lane = Lane.builder("closed").capacity(2).build();
    lane.close();
    CompletableFuture<String> f = lane.run(() -> "never");
    Throwable cause = catchThrowable(f::join).getCause();
    assertThat(cause).isInstanceOf(LaneRejectedException.class);
    assertThat(((LaneRejectedException) cause).reason()).isEqualTo(LaneRejectedException.Reason.CLOSED);
    assertThat(lane.statistics().borrowed()).isZero();
  }

  @Test
  @Timeout(60)
  void aTasksTerminationCompletesWhetherAskedBeforeOrAfterItsBodyStops() throws Exception {
    try (Lane lane = Lane.builder("ends").capacity(4).build()) {
      CountDownLatch release = new CountDownLatch(1);
      LaneTask<?> running = (LaneTask<?>) lane.run(() -> {
        release.await();
        return 1;
      });
      CompletableFuture<Void> asked = running.termination();
      assertThat(asked).isNotDone();
      release.countDown();
      asked.get(10, TimeUnit.SECONDS);
      assertThat(running.termination()).isDone();
      // Asked while the body ends, again and again: a waiter registered then is never missed.
      for (int i = 0; i < 2_000; i++) {
        ((LaneTask<?>) lane.run(() -> 1)).termination().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aLaneOnItsOwnReportsToALaneListener() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    LaneListener listener = new LaneListener() {
      @Override public void laneWaitStart(String lane) { events.add("wait " + lane); }
      @Override public void laneAcquired(String lane, Duration wait) { events.add("acquired " + lane); }
      @Override public void laneTaskStart(String lane) { events.add("start " + lane); }
      @Override public void laneTaskEnd(String lane, TaskOutcome o, Duration d) { events.add("end " + lane + " " + o.tag()); }
      @Override public void laneRejected(String lane, LaneRejectedException.Reason r) { events.add("rejected " + r); }
    };
    try (Lane lane = Lane.builder("heard").capacity(1).maxWaiting(0).listener(listener).build()) {
      assertThat(lane.run(() -> "ok").get(5, TimeUnit.SECONDS)).isEqualTo("ok");
      // the end is reported before the future completes
      assertThat(events).containsExactly("wait heard", "acquired heard", "start heard", "end heard completed");

      events.clear();
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Void> holder = lane.execute(() -> {
        started.countDown();
        awaitQuietly(release);
      });
      assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
      catchThrowable(() -> lane.run(() -> "refused").join());
      release.countDown();
      holder.get(5, TimeUnit.SECONDS);
      assertThat(events).containsExactly("wait heard", "acquired heard", "start heard", "wait heard",
          "rejected QUEUE_FULL", "end heard completed");
    }
  }

  @Test
  void lanesRegistryHasTheDefaultLanesAndFindsByName() {
    try (Lanes lanes = Lanes.defaults().with(Lane.builder("db").capacity(7))
        .with(Lane.builder(Lanes.FILES).capacity(3)).build()) {
      assertThat(lanes.all()).extracting(Lane::name)
          .containsExactly("endpoints", "blocking", "background", "streaming", "files", "websockets", "db");
      assertThat(lanes.get(Lanes.ENDPOINTS).statistics().capacity()).isEqualTo(Lanes.HANDLER_LANE_MAX);
      assertThat(lanes.get("db").statistics().capacity()).isEqualTo(7);
      assertThat(lanes.get("files").statistics().capacity()).isEqualTo(3); // replaced
      assertThat(lanes.get(Lanes.WEBSOCKETS).statistics().capacity()).isEqualTo(1024);
      assertThat(lanes.find("nope")).isEmpty();
      assertThatThrownBy(() -> lanes.get("nope")).isInstanceOf(NoSuchElementException.class)
          .hasMessageContaining("nope");
      assertThat(lanes.statistics()).hasSize(7);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A platform lane's close() calls shutdownNow() and drops the runnables queued in the pool: a
   * task granted its token (its runnable handed to the pool while the releasing thread was still
   * busy) never runs, its future never completes and its token is never returned.
   */
  @Test
  void closingAPlatformLaneNeitherStrandsAGrantedTaskNorLeaksItsToken() throws Exception {
    Lane lane = Lane.builder("p").capacity(1).platformThreads().build();
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch inDependent = new CountDownLatch(1);
    CountDownLatch releaseDependent = new CountDownLatch(1);
    CompletableFuture<String> a = lane.run(() -> {
      gate.await();
      return "a";
    });
    CompletableFuture<String> b = lane.run(() -> "b"); // queued for the only token
    assertThat(lane.statistics().waiting()).isEqualTo(1);
    // A's caller continues on the pool thread (as any chained stage without an executor does)
    a.thenRun(() -> {
      inDependent.countDown();
      try {
        releaseDependent.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        // close() interrupts the pool thread
      }
    });
    gate.countDown();
    assertThat(inDependent.await(10, TimeUnit.SECONDS)).isTrue();
    // A gave its token back, so B holds it and its runnable waits in the pool's queue
    assertThat(lane.statistics().waiting()).isZero();
    lane.close();
    releaseDependent.countDown();
    Await.until("B to end (run or be rejected)", () -> b.isDone());
    assertThat(lane.limiter().borrowed()).isZero();
  }
}

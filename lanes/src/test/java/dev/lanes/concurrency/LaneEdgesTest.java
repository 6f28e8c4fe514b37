package dev.lanes.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Limiters, lanes and the adaptive limit at their edges: timeouts past what nanoseconds hold,
 * thousands of queued tasks that give their token straight back, counts and listener pairs seen
 * from a task's continuation, and the compute-mode rule.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LaneEdgesTest {

  /**
   * acquire(timeout) takes the token (or queues) before converting the timeout to nanoseconds; a
   * timeout past ~292 years (ChronoUnit.FOREVER, Duration.ofMillis(Long.MAX_VALUE): "wait as long
   * as it takes") throws ArithmeticException from toNanos() and the token taken is never returned.
   */
  @Test
  void blockingAcquireWithAHugeTimeoutLeaksNoToken() {
    CapacityLimiter limiter = CapacityLimiter.of(1);
    Throwable thrown = catchThrowable(() -> {
      try (Permit p = limiter.acquire(ChronoUnit.FOREVER.getDuration())) {
        assertThat(p.isHeld()).isTrue();
      }
    });
    assertThat(limiter.borrowed()).as("tokens held after acquire(FOREVER) threw %s", thrown).isZero();
  }

  /** Same, while queued: it waits as long as it takes, and holds nothing once it gave the token back. */
  @Test
  void blockingAcquireWithAHugeTimeoutWaitsForTheToken() throws Exception {
    CapacityLimiter limiter = CapacityLimiter.of(1);
    Permit held = limiter.tryAcquire().orElseThrow();
    CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
      try (Permit p = limiter.acquire(Duration.ofMillis(Long.MAX_VALUE))) {
        assertThat(p.isHeld()).isTrue();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Await.until("the acquirer queued", () -> limiter.waiting() == 1);
    held.close();
    waiter.get(10, TimeUnit.SECONDS);
    assertThat(limiter.borrowed()).isZero();
  }

  /**
   * A lane built with a huge maxQueueWait (accepted by the builder) queues the waiter and then
   * fails scheduling its deadline (Duration.toNanos overflows) from inside CapacityLimiter.acquire:
   * run() throws, but the waiter stays queued, is granted the next token, and nobody ever gives it
   * back. The lane is dead from then on.
   */
  @Test
  void aLaneWithAHugeMaxQueueWaitNeitherThrowsNorLeaksATokenUnderContention() throws Exception {
    try (Lane lane = Lane.builder("forever").capacity(1)
        .maxQueueWait(Duration.ofSeconds(Long.MAX_VALUE)).build()) {
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Object> holder = lane.run(() -> {
        release.await();
        return null;
      });
      CompletableFuture<String> second = lane.run(() -> "second");
      release.countDown();
      holder.get(10, TimeUnit.SECONDS);
      assertThat(second.get(10, TimeUnit.SECONDS)).as("the queued task").isEqualTo("second");
      Throwable third = catchThrowable(() -> lane.run(() -> "third").get(5, TimeUnit.SECONDS));
      assertThat(third).as("a task run once the lane is idle (borrowed=%d)", lane.limiter().borrowed())
          .isNull();
    }
  }

  /**
   * Closing a lane with many tasks queued: each queued task is granted the token as the previous
   * one gives it back, refused by the closed executor (closedBeforeRun), and gives the token back
   * from inside the grant: permit.close -> release -> complete -> whenComplete -> start ->
   * closedBeforeRun -> permit.close ... one stack level per queued task. Past a few thousand queued
   * tasks (the default handler lanes queue up to 16 384) the thread's stack overflows inside the
   * limiter; CompletableFuture swallows the StackOverflowError, and tasks are left whose futures
   * never complete and whose tokens never come back.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {2_000, 16_384})
  void closingALaneWithManyQueuedTasksCompletesEveryFutureAndReturnsEveryToken(int queuedTasks) throws Exception {
    Lane lane = Lane.builder("closing-" + queuedTasks).capacity(1).unboundedQueue().maxQueueWait(Duration.ZERO).build();
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Object> holder = lane.run(() -> {
      started.countDown();
      new CountDownLatch(1).await(); // until close() interrupts it
      return null;
    });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<Integer>> queued = new ArrayList<>();
    for (int i = 0; i < queuedTasks; i++) {
      queued.add(lane.run(() -> 1));
    }
    assertThat(lane.statistics().waiting()).isEqualTo(queuedTasks);
    lane.close();
    catchThrowable(() -> holder.get(10, TimeUnit.SECONDS));
    catchThrowable(() -> CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new))
        .get(10, TimeUnit.SECONDS));
    long stranded = queued.stream().filter(f -> !f.isDone()).count();
    LaneStatistics s = lane.statistics();
    assertThat(stranded).as("queued tasks whose future never completed (borrowed=%d, waiting=%d)",
        s.borrowed(), s.waiting()).isZero();
    assertThat(s.borrowed()).isZero();
    assertThat(s.waiting()).isZero();
  }

  /**
   * The listener contract (LaneListener, LanesListener: "every start has its end"): laneWaitStart
   * is followed by laneAcquired - laneTaskStart - laneTaskEnd, or laneRejected, or
   * laneWaitCancelled. A task cancelled after its token was granted and its runnable handed to the
   * executor but before its body ran (LaneTask.runHolding's isDone branch) gets laneAcquired and
   * then nothing: a listener counting tasks acquired-but-not-ended drifts up for ever.
   */
  @Test
  void aTaskCancelledBetweenItsGrantAndItsStartStillEndsItsListenerPair() {
    List<String> events = new CopyOnWriteArrayList<>();
    LaneListener listener = new LaneListener() {
      @Override public void laneWaitStart(String lane) { events.add("wait"); }
      @Override public void laneAcquired(String lane, Duration wait) { events.add("acquired"); }
      @Override public void laneWaitCancelled(String lane) { events.add("waitCancelled"); }
      @Override public void laneRejected(String lane, LaneRejectedException.Reason r) { events.add("rejected"); }
      @Override public void laneTaskStart(String lane) { events.add("start"); }
      @Override public void laneTaskEnd(String lane, TaskOutcome o, Duration d) { events.add("end " + o.tag()); }
    };
    HeldExecutor held = new HeldExecutor();
    try (Lane lane = Lane.builder("pairs").capacity(1).executor(held).listener(listener).build()) {
      CompletableFuture<Integer> f = lane.run(() -> 1);
      assertThat(held.tasks).hasSize(1); // granted, handed to the executor, not yet run
      f.cancel(true);
      held.tasks.poll().run();
      assertThat(lane.statistics().borrowed()).isZero(); // the token did come back
      assertThat(events).as("events of one cancelled task").startsWith("wait", "acquired");
      assertThat(events).as("events of one cancelled task").hasSizeGreaterThan(2);
    }
  }

  /**
   * AdaptiveLimit's rule (its Javadoc, docs/lanes.md, ADR 0011): "w > 0.10, the tasks computing,
   * and more tasks in flight than cores: enter compute mode at clamp(cores, min, max)". The code
   * tests inFlight > computeLimit, i.e. more in flight than max(min, cores): a lane whose min is
   * at or above its in-flight count (adaptive(8, 64) with 8 CPU-bound tasks on 2 cores, 75 % of
   * their time waiting for a carrier) never enters compute mode and keeps every carrier, which is
   * what compute mode exists to prevent.
   */
  @Test
  void moreCpuBoundTasksInFlightThanCoresEnterComputeModeWhateverTheMinimum() {
    long ms = 1_000_000L;
    int cores = 2;
    CapacityLimiter limiter = CapacityLimiter.of(64);
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong cpu = new java.util.concurrent.atomic.AtomicLong();
    AdaptiveLimit limit = new AdaptiveLimit(limiter, new LaneSizing.Adaptive(8, 64), cores,
        clock::get, cpu::get);
    List<Permit> inFlight = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      inFlight.add(limiter.tryAcquire().orElseThrow());
    }
    for (int window = 0; window < 5; window++) {
      // 8 CPU-bound tasks on 2 carriers: each waits 75 ms of its 100 ms for one; both carriers busy
      for (int task = 0; task < 8; task++) {
        clock.addAndGet(AdaptiveLimit.WINDOW_NANOS / 8);
        cpu.addAndGet(cores * AdaptiveLimit.WINDOW_NANOS / 8);
        limit.record(75 * ms, 100 * ms);
      }
    }
    assertThat(limit.lastCpuWait()).isGreaterThan(0.5);
    assertThat(limit.computeMode())
        .as("compute mode with 8 computing tasks in flight on %d cores, wait share %.2f", cores,
            limit.lastCpuWait())
        .isTrue();
    inFlight.forEach(Permit::close);
  }

  /**
   * runHolding counts a task's outcome "before the caller sees the result, so statistics and
   * events never lag it", and acquire() counts timedOut before failing the waiter for the same
   * reason. But CapacityLimiter.complete() counts a grant only after Waiter.grant() returned, i.e.
   * after the granted waiter's dependents ran: the lane's start(), and with an executor that runs
   * the task at once, the whole task and its caller's continuation. A caller reading statistics in
   * its continuation sees more tasks completed than tokens ever granted.
   */
  @Test
  void aTasksCallerNeverSeesMoreTasksCompletedThanGranted() throws Exception {
    ExecutorService inline = new AbstractExecutorService() {
      @Override public void execute(Runnable command) { command.run(); }
      @Override public void shutdown() {}
      @Override public List<Runnable> shutdownNow() { return List.of(); }
      @Override public boolean isShutdown() { return false; }
      @Override public boolean isTerminated() { return false; }
      @Override public boolean awaitTermination(long t, TimeUnit u) { return true; }
    };
    try (Lane lane = Lane.builder("counted").capacity(1).executor(inline).build()) {
      Permit held = lane.limiter().tryAcquire().orElseThrow();
      CompletableFuture<LaneStatistics> seen = lane.run(() -> 1).thenApply(v -> lane.statistics());
      held.close(); // grants the queued task, which runs at once
      LaneStatistics s = seen.get(5, TimeUnit.SECONDS);
      assertThat(s.granted())
          .as("granted seen by the caller of a completed task (completed=%d)", s.completed())
          .isGreaterThanOrEqualTo(s.completed() + 1); // the direct acquire and the task
    }
  }

  /** The same lag on the default executor (virtual threads), by repetition. */
  @Test
  void aTasksCallerNeverSeesMoreTasksCompletedThanGrantedOnVirtualThreads() throws Exception {
    int rounds = 10_000;
    int lagged = 0;
    try (Lane lane = Lane.builder("counted-v").capacity(1).build()) {
      for (int i = 0; i < rounds; i++) {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> holder = lane.run(() -> {
          release.await();
          return 0;
        });
        CompletableFuture<LaneStatistics> seen = lane.run(() -> 1).thenApply(v -> lane.statistics());
        release.countDown();
        holder.get(5, TimeUnit.SECONDS);
        LaneStatistics s = seen.get(5, TimeUnit.SECONDS);
        if (s.granted() < s.completed()) {
          lagged++;
        }
      }
    }
    assertThat(lagged).as("rounds of %d where the caller saw completed > granted", rounds).isZero();
  }

  /**
   * A lane whose executor refuses a granted task (closed, or the user's bounded pool) reports
   * laneAcquired and then laneRejected: two ends for one wait, against the documented pairs
   * laneWaitStart - (laneAcquired - laneTaskStart - laneTaskEnd | laneRejected | laneWaitCancelled).
   */
  @Test
  void aTaskRefusedByAClosedLaneReportsOneEndForItsWait() {
    List<String> events = new CopyOnWriteArrayList<>();
    LaneListener listener = new LaneListener() {
      @Override public void laneWaitStart(String lane) { events.add("wait"); }
      @Override public void laneAcquired(String lane, Duration wait) { events.add("acquired"); }
      @Override public void laneWaitCancelled(String lane) { events.add("waitCancelled"); }
      @Override public void laneRejected(String lane, LaneRejectedException.Reason r) { events.add("rejected " + r); }
      @Override public void laneTaskStart(String lane) { events.add("start"); }
      @Override public void laneTaskEnd(String lane, TaskOutcome o, Duration d) { events.add("end " + o.tag()); }
    };
    Lane lane = Lane.builder("refused").capacity(1).listener(listener).build();
    lane.close();
    catchThrowable(() -> lane.run(() -> 1).join());
    assertThat(events).containsExactly("wait", "rejected CLOSED");
  }

  /**
   * Not only close(): a task whose future was completed by its caller while queued
   * (lane.run(..).orTimeout(..), a standard CompletableFuture timeout) stays in the queue; when
   * granted, start() sees it done and gives the token straight back from inside the grant, which
   * grants the next, and so on: one stack level per such task. With thousands timed out in the
   * queue (a stalled downstream, callers timing out) the release overflows the stack.
   */
  @Test
  void releasingPastManyTimedOutQueuedTasksStrandsNoTask() throws Exception {
    int queuedTasks = 20_000;
    Lane lane = Lane.builder("timeouts").capacity(1).unboundedQueue().maxQueueWait(Duration.ZERO).build();
    Permit held = lane.limiter().tryAcquire().orElseThrow();
    for (int i = 0; i < queuedTasks; i++) {
      lane.run(() -> 1).completeExceptionally(new TimeoutException("caller gave up"));
    }
    assertThat(lane.statistics().waiting()).as("tasks their callers completed left the queue").isZero();
    Thread.ofVirtual().start(held::close).join();
    CompletableFuture<Integer> next = lane.run(() -> 2);
    Throwable t = catchThrowable(() -> next.get(10, TimeUnit.SECONDS));
    LaneStatistics s = lane.statistics();
    assertThat(t).as("a task run after the release (borrowed=%d, waiting=%d)", s.borrowed(), s.waiting())
        .isNull();
    lane.close();
  }

  /**
   * Without the process's CPU time (AdaptiveLimit.UNKNOWN: ProcessHandle gives none) the window's
   * "computing" share defaults to 1, for entering compute mode and for leaving it alike. So a burst
   * of sleeping tasks that only waited for carriers to start (what the computing gate exists to
   * ignore) moves the lane to compute mode at the cores, and since a share of 1 is never under
   * LEAVE, it stays there for good: an I/O-bound lane pinned at 2 tokens on platform threads.
   */
  @Test
  void withoutCpuTimeABurstOfSleepersNeitherShrinksTheLaneNorPinsItInComputeMode() {
    long ms = 1_000_000L;
    CapacityLimiter limiter = CapacityLimiter.of(1024);
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    AdaptiveLimit limit = new AdaptiveLimit(limiter, new LaneSizing.Adaptive(1, 1024), 2,
        clock::get, () -> AdaptiveLimit.UNKNOWN);
    List<Permit> inFlight = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      inFlight.add(limiter.tryAcquire().orElseThrow());
    }
    // 1000 sleeps of 1 s, each of which waited 300 ms for a carrier to start
    for (int task = 0; task < 1000; task++) {
      clock.addAndGet(ms);
      limit.record(300 * ms, 1_300 * ms);
    }
    inFlight.forEach(Permit::close);
    // then nothing but parked tasks, for 100 windows
    for (int window = 0; window < 100; window++) {
      clock.addAndGet(AdaptiveLimit.WINDOW_NANOS);
      limit.record(0, 1_000 * ms);
    }
    assertThat(limit.computeMode()).as("compute mode after 100 windows of parked tasks (limit %d)",
        limiter.totalTokens()).isFalse();
    assertThat(limiter.totalTokens()).isEqualTo(1024);
  }

  /** How many timed-out queued tasks it takes to overflow the releasing (virtual) thread's stack. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {700, 2000, 4000, 16384})
  void releasingPastTimedOutQueuedTasksDrainsThemAndFreesTheToken(int queuedTasks) throws Exception {
    try (Lane lane = Lane.builder("timeouts-" + queuedTasks).capacity(1).unboundedQueue()
        .maxQueueWait(Duration.ZERO).build()) {
      Permit held = lane.limiter().tryAcquire().orElseThrow();
      for (int i = 0; i < queuedTasks; i++) {
        lane.run(() -> 1).completeExceptionally(new TimeoutException("caller gave up"));
      }
      Thread.ofVirtual().start(held::close).join();
      LimiterStatistics s = lane.limiter().statistics();
      // every queued task was done: the release must drain them all and leave the token free
      assertThat(s.waiting() == 0 && s.borrowed() == 0)
          .as("%d queued, after the release: %s", queuedTasks, s).isTrue();
    }
  }

  /**
   * Every task a closed lane refuses (new, queued, or granted but not started) is counted in
   * {@code rejected}, as its listener hears {@code laneRejected(CLOSED)} for each: the statistics,
   * the metrics read from them and the dashboard agree with the listener.
   */
  @Test
  void everyTaskAClosedLaneRefusesIsCountedAsRejected() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    LaneListener listener = new LaneListener() {
      @Override public void laneRejected(String lane, LaneRejectedException.Reason r) { events.add("rejected " + r); }
    };
    HeldExecutor held = new HeldExecutor();
    Lane lane = Lane.builder("close-counted").capacity(1).maxQueueWait(Duration.ZERO).executor(held)
        .listener(listener).build();
    CompletableFuture<Integer> granted = lane.run(() -> 1); // holds the token, not started
    CompletableFuture<Integer> queued = lane.run(() -> 2);
    assertThat(lane.statistics().waiting()).isEqualTo(1);

    lane.close();
    held.tasks.forEach(Runnable::run); // the executor gets to the granted task after the close
    CompletableFuture<Integer> late = lane.run(() -> 3);

    for (CompletableFuture<Integer> f : List.of(granted, queued, late)) {
      assertThat(catchThrowable(() -> f.get(10, TimeUnit.SECONDS)).getCause())
          .isInstanceOfSatisfying(LaneRejectedException.class,
              r -> assertThat(r.reason()).isEqualTo(LaneRejectedException.Reason.CLOSED));
    }
    assertThat(events).containsExactly("rejected CLOSED", "rejected CLOSED", "rejected CLOSED");
    LaneStatistics s = lane.statistics();
    assertThat(s.rejected()).as("%s", s).isEqualTo(3);
    assertThat(s.timedOut()).isZero();
    assertThat(s.borrowed()).isZero();
  }

  /** Holds what it is given until the test runs it. */
  static final class HeldExecutor extends AbstractExecutorService {
    final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    volatile boolean shut;

    @Override public void execute(Runnable command) { tasks.add(command); }
    @Override public void shutdown() { shut = true; }
    @Override public List<Runnable> shutdownNow() { shut = true; return List.of(); }
    @Override public boolean isShutdown() { return shut; }
    @Override public boolean isTerminated() { return shut; }
    @Override public boolean awaitTermination(long t, TimeUnit u) { return true; }
  }

  /**
   * A grant's dependent gives its token back and then waits (on its own thread) for a later waiter
   * to get it: the token is free, so the waiter gets it, however deep the grants nest (past eight
   * levels they continue on another thread, not after this dependent returns).
   */
  @Test
  void aTokenGivenBackReachesALaterWaiterEvenPastEightNestedGrants() throws Exception {
    CapacityLimiter limiter = CapacityLimiter.of(1);
    Permit first = limiter.acquire().get(1, TimeUnit.SECONDS);
    List<CompletableFuture<Permit>> chain = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      chain.add(limiter.acquire());
    }
    CompletableFuture<Permit> last = limiter.acquire();
    AtomicReference<Object> seen = new AtomicReference<>();
    // waiters 2..8 give the token straight back (a task cancelled or finished at once)
    for (int i = 1; i < 8; i++) {
      chain.get(i).thenAccept(Permit::close);
    }
    chain.get(0).thenAccept(p -> {
      p.close(); // hands the token on: 2..8 nest, the 9th (last) is deferred
      try {
        seen.set(last.get(3, TimeUnit.SECONDS)); // the token is free: last should hold it
      } catch (Exception e) {
        seen.set(e);
      }
    });
    first.close();
    assertThat(seen.get()).as("what the waiter saw while the token was free").isInstanceOf(Permit.class);
  }
  /**
   * A task still queued when its lane closes can never run there: it is refused at the close, not
   * left waiting until a running task that ignores its interrupt ends (for ever, without a
   * maximum queue wait).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(Lane.ExecutorKind.class)
  void closingALaneRefusesItsQueuedTasksAtOnce(Lane.ExecutorKind kind) throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    LaneListener listener = new LaneListener() {
      @Override public void laneRejected(String lane, LaneRejectedException.Reason r) { events.add("rejected " + r); }
    };
    Lane.Builder b = Lane.builder("close-queued").capacity(1).maxQueueWait(Duration.ZERO).listener(listener);
    ExecutorService mine = java.util.concurrent.Executors.newCachedThreadPool();
    Lane lane = (switch (kind) {
      case VIRTUAL -> b;
      case PLATFORM -> b.platformThreads();
      case USER -> b.executor(mine);
    }).build();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      lane.execute(() -> {
        started.countDown();
        boolean done = false;
        while (!done) { // ignores interrupts, as a task stuck in uninterruptible I/O does
          try {
            done = release.await(1, TimeUnit.HOURS);
          } catch (InterruptedException ignored) {
            // keep waiting
          }
        }
      });
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Integer> queued = lane.run(() -> 1);
      assertThat(lane.statistics().waiting()).isEqualTo(1);

      lane.close();

      Throwable refused = catchThrowable(() -> queued.get(10, TimeUnit.SECONDS));
      assertThat(refused).isInstanceOf(java.util.concurrent.ExecutionException.class);
      assertThat(refused.getCause()).isInstanceOfSatisfying(LaneRejectedException.class,
          r -> assertThat(r.reason()).isEqualTo(LaneRejectedException.Reason.CLOSED));
      assertThat(lane.statistics().waiting()).isZero();
      assertThat(events).containsExactly("rejected CLOSED");
    } finally {
      release.countDown();
    }
    Await.until("token back", () -> lane.statistics().borrowed() == 0);
    mine.shutdownNow();
  }

  /**
   * Lane.close() only marked lanes on their own threads closed: a lane on a user's executor kept
   * running new tasks after app.close() ("the app can no longer run blocking work"), where every
   * other lane refuses them. The executor stays the user's: the lane refuses, but never shuts it
   * down.
   */
  @Test
  void aLaneOnAUserExecutorRefusesNewTasksOnceClosed() throws Exception {
    ExecutorService mine = java.util.concurrent.Executors.newSingleThreadExecutor();
    Lanes lanes = Lanes.defaults().with(Lane.builder("mine").capacity(2).executor(mine)).build();
    try {
      Lane lane = lanes.get("mine");
      assertThat(lane.run(() -> 1).get(5, TimeUnit.SECONDS)).isEqualTo(1);
      lanes.close();
      java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
      CompletableFuture<Integer> late = lane.run(() -> {
        ran.set(true);
        return 2;
      });
      Throwable refused = catchThrowable(() -> late.get(5, TimeUnit.SECONDS));
      assertThat(refused).as("a task given to the closed lane").isInstanceOf(java.util.concurrent.ExecutionException.class);
      assertThat(refused.getCause()).isInstanceOfSatisfying(LaneRejectedException.class,
          r -> assertThat(r.reason()).isEqualTo(LaneRejectedException.Reason.CLOSED));
      assertThat(ran).isFalse();
      assertThat(lane.statistics().borrowed()).isZero();
      assertThat(mine.submit(() -> 3).get(5, TimeUnit.SECONDS)).isEqualTo(3); // still the user's to use
    } finally {
      mine.shutdownNow();
    }
  }

  /**
   * A task granted its token and handed to a user's executor, which had not started it when the
   * lane closed, is refused when the executor gets to it, as a platform lane refuses the tasks its
   * pool still queued: no task of a closed lane starts.
   */
  @Test
  void aTaskAUserExecutorStartsAfterItsLaneClosedIsRefused() {
    List<String> events = new CopyOnWriteArrayList<>();
    LaneListener listener = new LaneListener() {
      @Override public void laneAcquired(String lane, Duration wait) { events.add("acquired"); }
      @Override public void laneRejected(String lane, LaneRejectedException.Reason r) { events.add("rejected " + r); }
      @Override public void laneTaskStart(String lane) { events.add("start"); }
    };
    HeldExecutor held = new HeldExecutor();
    Lane lane = Lane.builder("held").capacity(1).executor(held).listener(listener).build();
    CompletableFuture<Integer> f = lane.run(() -> 1);
    assertThat(held.tasks).hasSize(1); // granted, handed to the executor, not yet run
    lane.close();
    held.tasks.poll().run();
    assertThat(catchThrowable(f::join)).hasCauseInstanceOf(LaneRejectedException.class);
    assertThat(lane.statistics().borrowed()).isZero();
    assertThat(events).containsExactly("acquired", "rejected CLOSED");
    assertThat(held.shut).as("the user's executor shut down by the lane").isFalse();
  }

  /**
   * A task given to a lane while it closes either runs or is refused: close() refuses the waiters
   * it finds queued, and a task that queued just after (it saw the lane open a moment before) was
   * left waiting for a token that a task holding it for ever never gives back, with no maximum
   * queue wait to end it. The window is a fraction of a microsecond, so this races a call against
   * a close many times (both sides spin to their start); on a busy machine it may miss the window.
   */
  @Test
  void aTaskQueuedWhileItsLaneClosesIsRefusedNotLeftWaiting() throws Exception {
    for (int round = 0; round < 3_000; round++) {
      HeldExecutor held = new HeldExecutor(); // never runs what it gets: the first task keeps its token
      Lane lane = Lane.builder("closing").capacity(1).maxQueueWait(Duration.ZERO).executor(held).build();
      lane.run(() -> 0);
      java.util.concurrent.atomic.AtomicInteger ready = new java.util.concurrent.atomic.AtomicInteger();
      AtomicReference<CompletableFuture<Integer>> late = new AtomicReference<>();
      Thread caller = Thread.ofPlatform().start(() -> {
        ready.incrementAndGet();
        while (ready.get() < 2) {
          Thread.onSpinWait();
        }
        late.set(lane.run(() -> 1));
      });
      ready.incrementAndGet();
      while (ready.get() < 2) {
        Thread.onSpinWait();
      }
      lane.close();
      caller.join();
      assertThat(late.get().isDone()).as("the task given to the closing lane in round %d is done", round).isTrue();
    }
  }
  /** An executor of the user's that refuses or fails every task it is given, by {@code refusal}. */
  private static ExecutorService failing(java.util.function.Supplier<RuntimeException> refusal) {
    return new AbstractExecutorService() {
      @Override public void execute(Runnable command) { throw refusal.get(); }
      @Override public void shutdown() {}
      @Override public List<Runnable> shutdownNow() { return List.of(); }
      @Override public boolean isShutdown() { return false; }
      @Override public boolean isTerminated() { return false; }
      @Override public boolean awaitTermination(long t, TimeUnit u) { return true; }
    };
  }

  /**
   * start() caught only RejectedExecutionException from the executor: a user's executor failing
   * otherwise (a thread factory out of threads throws OutOfMemoryError, a wrapper throws its own
   * exception) left the token taken for good and threw from run() on the fast path. After a few
   * such tasks a lane of capacity 1 refused everything. Now the task fails with the executor's
   * exception and the token comes back.
   */
  @Test
  void anExecutorThatThrowsGivesTheTokenBackAndFailsTheTask() throws Exception {
    IllegalStateException boom = new IllegalStateException("no threads left");
    try (Lane lane = Lane.builder("throwing").capacity(1).executor(failing(() -> boom)).build()) {
      for (int i = 0; i < 3; i++) {
        CompletableFuture<Integer> task = lane.run(() -> 1);
        Throwable failure = catchThrowable(() -> task.get(5, TimeUnit.SECONDS));
        assertThat(failure).as("task %d", i).hasCause(boom);
        assertThat(lane.limiter().borrowed()).as("tokens held after task %d", i).isZero();
      }
    }
  }

  /**
   * A user's bounded pool refusing a task (its queue full) was reported as the lane being closed.
   * It is a full lane: 503 with the executor's reason, and the lane stays open.
   */
  @Test
  void anExecutorRefusingATaskIsAFullLaneNotAClosedOne() throws Exception {
    try (Lane lane = Lane.builder("bounded").capacity(1)
        .executor(failing(() -> new java.util.concurrent.RejectedExecutionException("queue of 10 full")))
        .build()) {
      Throwable failure = catchThrowable(() -> lane.run(() -> 1).get(5, TimeUnit.SECONDS));
      assertThat(failure.getCause()).isInstanceOf(LaneRejectedException.class)
          .hasMessageContaining("queue of 10 full");
      assertThat(((LaneRejectedException) failure.getCause()).reason())
          .isEqualTo(LaneRejectedException.Reason.QUEUE_FULL);
      assertThat(lane.limiter().borrowed()).isZero();
    }
  }

  /**
   * The refusal of a user's bounded pool answers QUEUE_FULL (a 503) and tells listeners
   * {@code laneRejected(QUEUE_FULL)}, so the lane's statistics count it as rejected, and with them
   * {@code lanes_lane_rejected_total} and the dashboard. It was counted nowhere: granted a token,
   * then neither completed, failed, cancelled nor rejected.
   */
  @Test
  void anExecutorRefusingATaskIsCountedAsRejected() {
    try (Lane lane = Lane.builder("bounded").capacity(1)
        .executor(failing(() -> new java.util.concurrent.RejectedExecutionException("queue of 10 full")))
        .build()) {
      for (int i = 0; i < 2; i++) {
        catchThrowable(() -> lane.run(() -> 1).get(5, TimeUnit.SECONDS));
      }
      LaneStatistics s = lane.statistics();
      assertThat(s.rejected()).isEqualTo(2);
      assertThat(s.completed() + s.failed() + s.cancelled() + s.timedOut()).isZero();
    }
  }
}

package dev.lanes.concurrency;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A named place for blocking work: a {@link CapacityLimiter} in front of an executor. Its virtual
 * threads are named {@code lane-<name>} (platform threads {@code lane-<name>-<n>}), so a thread
 * dump says which lane a thread serves.
 *
 * <pre>{@code
 * Lane db = Lane.builder("db").capacity(20).build();   // queues at most 80, each for at most 30 s
 * CompletableFuture<Row> row = db.run(() -> jdbc.query(...));
 * Lane cpu = Lane.builder("cpu").adaptive().build();   // sizes itself (LaneSizing.Adaptive)
 * }</pre>
 *
 * <p>Cancelling the future returned by {@link #run} removes a waiting task from the queue, or
 * interrupts the thread running it; either way the token comes back exactly once.
 */
public final class Lane implements AutoCloseable {
  /** Where a lane's tasks run. */
  public enum ExecutorKind {
    /** A new virtual thread per task (the default): capacity costs almost nothing. */
    VIRTUAL,
    /** A pool of platform threads sized to the lane's capacity. */
    PLATFORM,
    /** An executor the user supplied and owns. */
    USER
  }

  private final String name;
  private final CapacityLimiter limiter;
  private final ExecutorService executor;
  private final ExecutorKind kind;
  private final LongAdder completed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder cancelled = new LongAdder();
  // Refused by a user's executor after the limiter granted a token: a full lane as the limiter's
  // own refusals are, so counted with them in statistics().rejected().
  private final LongAdder executorRefused = new LongAdder();
  // Refused because the lane is closed (new, queued or granted but not started): the limiter
  // never sees these as refusals, yet the listener hears laneRejected(CLOSED) for each, so they
  // are counted with the others in statistics().rejected().
  private final LongAdder closedRefused = new LongAdder();
  private final AtomicLong waitNanosTotal = new AtomicLong();
  private final AtomicLong waitNanosMax = new AtomicLong();
  private final WaitHistogram waits = new WaitHistogram();
  private final LaneListener listener; // null when nobody listens: the hot path then skips events
  private final AdaptiveLimit adaptive; // null unless the lane sizes itself
  private final ComputeThreads computeThreads; // an adaptive lane's platform threads, for tasks that compute
  private final ReentrantLock resizing = new ReentrantLock();
  private volatile LaneSizing sizing; // written under resizing
  private volatile boolean closed; // new tasks are refused before they wait, whatever the executor

  private Lane(Builder b) {
    this.name = b.name;
    this.sizing = b.sizing;
    this.limiter = CapacityLimiter.of(b.sizing.initialCapacity(), b.maxWaiting(), b.maxQueueWait);
    this.kind = b.kind;
    this.listener = b.listener;
    this.adaptive = b.sizing instanceof LaneSizing.Adaptive bounds
        ? AdaptiveLimit.of(limiter, bounds) : null;
    this.executor = switch (b.kind) {
      // One name for all of a lane's virtual threads: a numbered one is built (a StringBuilder
      // and a String) for every task, and a thread dump tells them apart by id anyway.
      case VIRTUAL -> Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("lane-" + b.name).factory());
      case PLATFORM -> Executors.newFixedThreadPool(b.sizing.initialCapacity(),
          Thread.ofPlatform().name("lane-" + b.name + "-", 0).daemon(true).factory());
      case USER -> b.userExecutor;
    };
    this.computeThreads = adaptive == null ? null : new ComputeThreads(b.name);
  }

  /**
   * Starts a lane definition, bounded like the default lanes unless told otherwise: capacity 40,
   * virtual threads, a wait queue of 4x the capacity, and at most 30 s of waiting for a token.
   * {@link Builder#unboundedQueue} and {@code maxQueueWait(Duration.ZERO)} lift the bounds.
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  /**
   * Where new tasks run: as built, except that an adaptive lane whose tasks compute runs them on
   * platform threads ({@link LaneSizing.Adaptive}).
   */
  public ExecutorKind executorKind() {
    return adaptive != null && adaptive.computeMode() ? ExecutorKind.PLATFORM : kind;
  }

  /** The limiter in front of this lane's executor. */
  public CapacityLimiter limiter() {
    return limiter;
  }

  /** How the lane is sized: fixed, unbounded or adaptive (then its current limit is the capacity in {@link #statistics}). */
  public LaneSizing sizing() {
    return sizing;
  }

  /**
   * Changes the lane's capacity at runtime; a platform pool grows or shrinks with it. The queue
   * bound stays as built. A fixed or unbounded lane becomes fixed at {@code capacity}.
   *
   * @throws IllegalStateException if the lane is adaptive: it sizes itself
   */
  public void resize(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
    }
    if (adaptive != null) {
      throw new IllegalStateException("lane '" + name + "' sizes itself (" + sizing
          + "); build it with capacity(n) to size it by hand");
    }
    Runnable admitted;
    // One resize at a time: sizing, pool and tokens all come from the same call (two racing ones
    // could mix them, or set a pool's maximum under the core size the other was setting).
    resizing.lock();
    try {
      sizing = LaneSizing.fixed(capacity);
      if (executor instanceof ThreadPoolExecutor pool && kind == ExecutorKind.PLATFORM) {
        if (capacity > pool.getMaximumPoolSize()) {
          pool.setMaximumPoolSize(capacity);
          pool.setCorePoolSize(capacity);
        } else {
          pool.setCorePoolSize(capacity);
          pool.setMaximumPoolSize(capacity);
        }
      }
      admitted = limiter.resize(capacity);
    } finally {
      resizing.unlock();
    }
    admitted.run(); // the waiters it admitted start outside the lock
  }

  /**
   * Runs {@code task} in this lane once a token is free. The future fails with
   * {@link LaneRejectedException} if admission control refuses the task.
   */
  public <T> CompletableFuture<T> run(Callable<T> task) {
    Objects.requireNonNull(task, "task");
    LaneTask<T> work = new LaneTask<>(task);
    LaneListener l = listener;
    if (l != null) {
      l.laneWaitStart(name);
    }
    if (closed) { // refused before taking a token: its wait has this one end
      closedBeforeRun(work, null, l);
      return work;
    }
    long queuedAt = System.nanoTime();
    // Most tasks find a token free: no acquisition future and callback for them.
    Permit now = limiter.grantNow();
    if (now != null) {
      start(work, now, queuedAt, l);
      return work;
    }
    CompletableFuture<Permit> acquisition = limiter.acquire();
    work.waitingOn(acquisition);
    acquisition.whenComplete((permit, error) -> {
      if (error == null) {
        start(work, permit, queuedAt, l);
        return;
      }
      // The limiter fails an acquisition with the raw reason, never wrapped.
      if (error instanceof LaneRejectedException r && r.reason() == LaneRejectedException.Reason.CLOSED) {
        closedRefused.increment(); // before the caller can see the refusal
      }
      if (l != null) {
        if (error instanceof LaneRejectedException r) {
          l.laneRejected(name, r.reason());
        } else {
          l.laneWaitCancelled(name);
        }
      }
      work.completeExceptionally(error);
      work.terminated();
    });
    if (closed) {
      // The lane closed after the check above: its close may have refused the queue before this
      // task joined it, and no token may ever come back to grant it.
      acquisition.completeExceptionally(new LaneRejectedException(
          LaneRejectedException.Reason.CLOSED, "lane '" + name + "' is closed"));
    }
    return work;
  }

  /** Hands {@code work}, which now holds {@code permit}, to the executor. */
  private void start(LaneTask<?> work, Permit permit, long queuedAt, LaneListener l) {
    long waited = System.nanoTime() - queuedAt;
    recordWait(waited);
    if (work.isDone()) { // cancelled just as the token arrived
      permit.close();
      work.terminated();
      if (l != null) {
        l.laneWaitCancelled(name);
      }
      return;
    }
    if (l != null) {
      l.laneAcquired(name, Duration.ofNanos(waited));
    }
    work.grantedAt(queuedAt + waited);
    try {
      executorForNextTask().execute(new Handoff(this, work, permit));
    } catch (RejectedExecutionException e) {
      if (closed) {
        closedBeforeRun(work, permit, l);
      } else { // a user's bounded pool refusing: the lane is full, not closed
        permit.close();
        executorRefused.increment(); // before the caller can see the refusal
        work.terminated();
        if (l != null) {
          l.laneRejected(name, LaneRejectedException.Reason.QUEUE_FULL);
        }
        work.completeExceptionally(new LaneRejectedException(LaneRejectedException.Reason.QUEUE_FULL,
            "lane '" + name + "': its executor refused the task: " + e.getMessage()));
      }
    } catch (RuntimeException | Error e) {
      // A user's executor failing otherwise (no thread left to start one) must not keep the
      // token: the task fails with its error, counted and reported as a task that failed.
      long startedAt = started();
      permit.close();
      finished(work, e, startedAt, AdaptiveLimit.UNKNOWN); // counted before the caller sees it, as a task that ran
      work.terminated();
      work.completeExceptionally(e);
    }
  }

  /**
   * A task holding its token, handed to the executor: {@link #close} refuses those it never ran,
   * and one an executor starts after the close (a user's, which the lane cannot drain) is refused.
   */
  private record Handoff(Lane lane, LaneTask<?> work, Permit permit) implements Runnable {
    @Override
    public void run() {
      if (lane.closed) {
        lane.closedBeforeRun(work, permit, lane.listener);
        return;
      }
      work.runHolding(permit, lane);
    }
  }

  /**
   * The lane closed before {@code work} ran: refused, and {@code permit}, if it was granted one,
   * given back.
   */
  private void closedBeforeRun(LaneTask<?> work, Permit permit, LaneListener l) {
    if (permit != null) {
      permit.close();
    }
    closedRefused.increment(); // before the caller can see the refusal
    work.terminated();
    if (l != null) {
      l.laneRejected(name, LaneRejectedException.Reason.CLOSED);
    }
    work.completeExceptionally(new LaneRejectedException(
        LaneRejectedException.Reason.CLOSED, "lane '" + name + "' is closed"));
  }

  /** Runs a task that returns nothing; see {@link #run(Callable)}. */
  public CompletableFuture<Void> execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    return run(() -> {
      task.run();
      return null;
    });
  }

  private Executor executorForNextTask() {
    return adaptive != null && adaptive.computeMode() ? computeThreads : executor;
  }

  /** A snapshot of this lane's limiter and counters. */
  public LaneStatistics statistics() {
    LimiterStatistics s = limiter.statistics();
    long granted = Math.max(1, s.granted());
    return new LaneStatistics(name, executorKind(), s.totalTokens(), s.borrowed(), s.available(),
        s.waiting(), completed.sum(), failed.sum(), cancelled.sum(), s.rejected() + executorRefused.sum() + closedRefused.sum(),
        s.timedOut(),
        Duration.ofNanos(waitNanosTotal.get() / granted), Duration.ofNanos(waitNanosMax.get()),
        s.granted(), Duration.ofNanos(waitNanosTotal.get()), waits.percentile(0.5), waits.percentile(0.99),
        sizing, adaptive == null ? 0 : adaptive.computeModeEntries());
  }

  /** Called on the lane thread as a task starts; returns its start time if anyone needs it. */
  long started() {
    if (listener == null) {
      return adaptive == null ? 0 : System.nanoTime();
    }
    listener.laneTaskStart(name);
    return System.nanoTime();
  }

  /**
   * The CPU time of the calling thread if it is one of this lane's compute-mode platform threads,
   * else {@link AdaptiveLimit#UNKNOWN}: virtual threads cannot measure theirs, and cost nothing here.
   */
  long taskCpuTime() {
    return computeThreads == null ? AdaptiveLimit.UNKNOWN : computeThreads.cpuTimeOfCurrent();
  }

  /** Gives a task's token back as it ends (in compute mode, the next task may run on this thread). */
  void giveBack(Permit permit) {
    if (computeThreads == null) {
      permit.close();
    } else {
      computeThreads.giveBack(permit);
    }
  }

  /** Counts a task that ended; {@code cpuAtStart} is {@link #taskCpuTime} as it started. */
  void finished(LaneTask<?> task, Throwable error, long startedAt, long cpuAtStart) {
    if (adaptive != null) {
      long grantedAt = task.grantedAt();
      long cpuAtEnd = cpuAtStart == AdaptiveLimit.UNKNOWN ? AdaptiveLimit.UNKNOWN : taskCpuTime();
      adaptive.record(startedAt - grantedAt, System.nanoTime() - grantedAt,
          cpuAtEnd == AdaptiveLimit.UNKNOWN ? AdaptiveLimit.UNKNOWN : cpuAtEnd - cpuAtStart);
    }
    TaskOutcome outcome;
    if (error == null) {
      completed.increment();
      outcome = TaskOutcome.COMPLETED;
    } else if (task.isCancelled()) {
      cancelled.increment();
      outcome = TaskOutcome.CANCELLED;
    } else {
      failed.increment();
      outcome = TaskOutcome.FAILED;
    }
    if (listener != null) {
      listener.laneTaskEnd(name, outcome, Duration.ofNanos(System.nanoTime() - startedAt));
    }
  }

  private void recordWait(long nanos) {
    waitNanosTotal.addAndGet(nanos);
    waitNanosMax.accumulateAndGet(nanos, Math::max);
    waits.record(nanos);
  }

  /**
   * Closes the lane: tasks waiting for a token are refused
   * ({@link LaneRejectedException.Reason#CLOSED}), as are new ones and those granted a token but
   * not yet started, whatever the lane's executor. The lane's own threads stop and its running
   * tasks are interrupted; a user's executor is never shut down, and the tasks it already runs are
   * left to its owner.
   */
  @Override
  public void close() {
    closed = true;
    if (kind != ExecutorKind.USER) {
      // A platform pool drops what waits in its queue: tasks granted a token, whose futures
      // would never complete and whose tokens would never come back.
      for (Runnable dropped : executor.shutdownNow()) {
        if (dropped instanceof Handoff h) {
          closedBeforeRun(h.work(), h.permit(), listener);
        }
      }
    }
    // Queued tasks could only be refused once granted, and a running task that ignores its
    // interrupt would hold them until it ends: refuse them now (Lane.run's callback reports it).
    for (CompletableFuture<Permit> waiter : limiter.drainWaiters()) {
      waiter.completeExceptionally(new LaneRejectedException(
          LaneRejectedException.Reason.CLOSED, "lane '" + name + "' is closed"));
    }
    if (computeThreads != null) {
      computeThreads.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "Lane[" + name + ", " + limiter.statistics() + "]";
  }

  /**
   * Defines a lane. Defaults: capacity 40 ({@link #capacity}; or {@link #adaptive},
   * {@link #unbounded}), virtual threads, a wait queue of 4x the (largest) capacity
   * ({@link #maxWaiting}, {@link #unboundedQueue}) and at most 30 s of waiting for a token
   * ({@link #maxQueueWait}), as the default lanes. Past either bound a task is refused with
   * {@link LaneRejectedException} instead of queueing silently.
   */
  public static final class Builder {
    private static final int QUEUE_PER_TOKEN = 4; // as the default lanes (docs/adr/0002)
    private static final Duration DEFAULT_MAX_QUEUE_WAIT = Duration.ofSeconds(30);
    private static final int FROM_CAPACITY = -1; // maxWaiting not given: QUEUE_PER_TOKEN x capacity

    private final String name;
    private LaneSizing sizing = LaneSizing.fixed(40);
    private int maxWaiting = FROM_CAPACITY;
    private Duration maxQueueWait = DEFAULT_MAX_QUEUE_WAIT;
    private ExecutorKind kind = ExecutorKind.VIRTUAL;
    private ExecutorService userExecutor;
    private LaneListener listener;

    private Builder(String name) {
      if (name == null || !name.matches("[a-zA-Z0-9_.-]+")) {
        throw new IllegalArgumentException("lane name must match [a-zA-Z0-9_.-]+: " + name);
      }
      this.name = name;
    }

    /** A fixed number of tokens, {@code capacity >= 1}. */
    public Builder capacity(int capacity) {
      this.sizing = LaneSizing.fixed(capacity);
      return this;
    }

    /**
     * A limit the lane sets itself from its tasks' waits for a CPU, between 1 and
     * {@value LaneSizing#DEFAULT_ADAPTIVE_MAX}: for work whose right number you do not know. Needs
     * virtual threads (the default); tasks that compute move to platform threads by themselves.
     * See {@link LaneSizing.Adaptive}.
     */
    public Builder adaptive() {
      this.sizing = LaneSizing.adaptive();
      return this;
    }

    /** An adaptive limit between {@code min} and {@code max}; see {@link #adaptive()}. */
    public Builder adaptive(int min, int max) {
      this.sizing = LaneSizing.adaptive(min, max);
      return this;
    }

    /** No limit on running tasks (virtual threads or your executor). */
    public Builder unbounded() {
      this.sizing = LaneSizing.unbounded();
      return this;
    }

    /** Any {@link LaneSizing}: fixed, unbounded or adaptive. */
    public Builder sizing(LaneSizing sizing) {
      this.sizing = Objects.requireNonNull(sizing, "sizing");
      return this;
    }

    /**
     * Bounds the wait queue (default 4x the capacity given to the builder); past it work is
     * rejected at once with {@link LaneRejectedException.Reason#QUEUE_FULL}. 0: never wait.
     */
    public Builder maxWaiting(int maxWaiting) {
      if (maxWaiting < 0) {
        throw new IllegalArgumentException("maxWaiting must be >= 0: " + maxWaiting);
      }
      this.maxWaiting = maxWaiting;
      return this;
    }

    /**
     * Lets any number of tasks wait for a token. Only for work whose callers bound themselves:
     * an unbounded queue hides overload until memory or patience runs out.
     */
    public Builder unboundedQueue() {
      this.maxWaiting = Integer.MAX_VALUE;
      return this;
    }

    /**
     * Bounds how long work may wait for a token (default 30 s); past it the task is refused with
     * {@link LaneRejectedException.Reason#WAIT_TIMEOUT}.
     * {@link Duration#ZERO} means no bound: a task waits as long as it takes.
     */
    public Builder maxQueueWait(Duration maxQueueWait) {
      Objects.requireNonNull(maxQueueWait, "maxQueueWait");
      if (maxQueueWait.isNegative()) {
        throw new IllegalArgumentException("maxQueueWait must not be negative");
      }
      this.maxQueueWait = maxQueueWait;
      return this;
    }

    public Builder virtualThreads() {
      this.kind = ExecutorKind.VIRTUAL;
      this.userExecutor = null;
      return this;
    }

    /** Runs tasks on a platform-thread pool sized to the capacity. */
    public Builder platformThreads() {
      this.kind = ExecutorKind.PLATFORM;
      this.userExecutor = null;
      return this;
    }

    /**
     * Runs tasks on the user's executor; the lane never shuts it down, but once closed refuses
     * its tasks as every lane does ({@link Lane#close}).
     */
    public Builder executor(ExecutorService executor) {
      this.kind = ExecutorKind.USER;
      this.userExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    public String name() {
      return name;
    }

    /** The queue bound the lane gets: the one given, else 4x the (largest) capacity. */
    private int maxWaiting() {
      return maxWaiting != FROM_CAPACITY ? maxWaiting
          : (int) Math.min(Integer.MAX_VALUE, (long) QUEUE_PER_TOKEN * sizing.maxCapacity());
    }

    /**
     * Reports this lane's waits and tasks to {@code listener} (see its rules); the app sets its own
     * listener on every lane it builds. {@link LaneListener#NONE} turns events off.
     */
    public Builder listener(LaneListener listener) {
      Objects.requireNonNull(listener, "listener");
      this.listener = listener == LaneListener.NONE ? null : listener;
      return this;
    }

    /**
     * Builds the lane.
     *
     * @throws IllegalArgumentException for an adaptive lane not on virtual threads (its signal is
     *     the wait for a carrier), or an unbounded one on platform threads (a pool without a size)
     */
    public Lane build() {
      if (sizing instanceof LaneSizing.Adaptive && kind != ExecutorKind.VIRTUAL) {
        throw new IllegalArgumentException("lane '" + name + "': an adaptive lane needs virtual threads"
            + " (it reads CPU saturation as its tasks' wait for a carrier); give " + kind
            + " threads a capacity(n)");
      }
      if (sizing instanceof LaneSizing.Unbounded && kind == ExecutorKind.PLATFORM) {
        throw new IllegalArgumentException("lane '" + name + "': an unbounded lane cannot have a"
            + " platform-thread pool; use virtual threads or capacity(n)");
      }
      return new Lane(this);
    }
  }
}

package dev.lanes.concurrency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pool of tokens that bounds how many holders run at once, as anyio's {@code CapacityLimiter}.
 *
 * <p>Waiters are served first in, first out. The total may change at runtime: growing it admits
 * waiters at once; shrinking it lets current holders finish and grants nothing until the number
 * borrowed is below the new total. A waiter that is cancelled or times out never takes a token,
 * and a token granted to a waiter that was cancelled at the same moment is given back.
 *
 * <pre>{@code
 * CapacityLimiter limiter = CapacityLimiter.of(40);
 * try (Permit p = limiter.acquire(Duration.ofSeconds(1))) { ... }
 * }</pre>
 *
 * <p>Concurrency: all state is guarded by one lock held only for O(1) queue edits; futures are
 * completed outside the lock so that continuations never run while it is held.
 */
public final class CapacityLimiter {
  private static final int MAX_NESTED_GRANTS = 8;
  private static final ThreadLocal<int[]> GRANT_DEPTH = ThreadLocal.withInitial(() -> new int[1]); // grants nested on this thread
  private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);

  private final ReentrantLock lock = new ReentrantLock();
  private final WaitQueue waiters = new WaitQueue();
  private final AtomicLong granted = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private final int maxWaiting;
  private final Duration maxWait;
  private int total;
  private int borrowed;

  private CapacityLimiter(int total, int maxWaiting, Duration maxWait) {
    this.total = requirePositive(total, "total");
    this.maxWaiting = requireNonNegative(maxWaiting, "maxWaiting");
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
    }
    this.maxWait = maxWait;
  }

  /** A limiter with {@code total} tokens and an unbounded FIFO wait queue. */
  public static CapacityLimiter of(int total) {
    return new CapacityLimiter(total, Integer.MAX_VALUE, Duration.ZERO);
  }

  /**
   * A limiter whose wait queue holds at most {@code maxWaiting} waiters and where no waiter waits
   * longer than {@code maxWait} ({@link Duration#ZERO} for no limit). Past either bound an
   * acquisition fails with {@link LaneRejectedException}.
   */
  public static CapacityLimiter of(int total, int maxWaiting, Duration maxWait) {
    return new CapacityLimiter(total, maxWaiting, maxWait);
  }

  /** The number of tokens; may be below {@link #borrowed()} just after a shrink. */
  public int totalTokens() {
    lock.lock();
    try {
      return total;
    } finally {
      lock.unlock();
    }
  }

  /** Changes the number of tokens; waiters are admitted at once if it grew. */
  public void setTotalTokens(int newTotal) {
    resize(newTotal).run();
  }

  /**
   * Sets the total now and returns the completion of the waiters it admitted, for the caller to
   * run once it holds no lock of its own: a controller can change the total under its lock (so
   * its decisions land in the order it made them) without running waiters' dependents there.
   */
  Runnable resize(int newTotal) {
    requirePositive(newTotal, "total");
    List<Waiter> admitted;
    lock.lock();
    try {
      total = newTotal;
      admitted = grantLocked();
    } finally {
      lock.unlock();
    }
    return admitted.isEmpty() ? () -> {} : () -> complete(admitted);
  }

  /** Tokens held right now. */
  public int borrowed() {
    lock.lock();
    try {
      return borrowed;
    } finally {
      lock.unlock();
    }
  }

  /** Tokens free right now (never negative). */
  public int available() {
    lock.lock();
    try {
      return Math.max(0, total - borrowed);
    } finally {
      lock.unlock();
    }
  }

  /** Callers waiting for a token. */
  public int waiting() {
    lock.lock();
    try {
      return waiters.size();
    } finally {
      lock.unlock();
    }
  }

  /** A consistent snapshot of this limiter's state and counters. */
  public LimiterStatistics statistics() {
    lock.lock();
    try {
      return new LimiterStatistics(
          total, borrowed, Math.max(0, total - borrowed), waiters.size(),
          granted.get(), rejected.get(), timedOut.get());
    } finally {
      lock.unlock();
    }
  }

  /** Takes a token if one is free and nobody is queued before us. */
  public java.util.Optional<Permit> tryAcquire() {
    return java.util.Optional.ofNullable(grantNow());
  }

  /** {@link #tryAcquire()} without the {@code Optional}: a token, or null. */
  Permit grantNow() {
    lock.lock();
    try {
      if (borrowed < total && waiters.isEmpty()) {
        borrowed++;
        granted.incrementAndGet();
        return new Permit(this);
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits, without blocking a thread, for a token. Cancelling the returned stage's future before it
   * completes leaves the queue and takes nothing. The stage fails with {@link LaneRejectedException}
   * when the queue is full or the maximum wait passes.
   */
  public CompletableFuture<Permit> acquire() {
    Waiter waiter;
    lock.lock();
    try {
      if (borrowed < total && waiters.isEmpty()) {
        borrowed++;
        granted.incrementAndGet();
        return CompletableFuture.completedFuture(new Permit(this));
      }
      if (waiters.size() >= maxWaiting) {
        rejected.incrementAndGet();
        return CompletableFuture.failedFuture(
            new LaneRejectedException(LaneRejectedException.Reason.QUEUE_FULL,
                "wait queue full (" + maxWaiting + " waiting)"));
      }
      waiter = new Waiter(this);
      waiters.add(waiter);
    } finally {
      lock.unlock();
    }
    if (!maxWait.isZero()) {
      var timeout = DelayScheduler.schedule(maxWait, () -> {
        // Counted before completing: the caller's reaction (a 503) runs inside completeExceptionally,
        // and whoever sees it must also see the count.
        timedOut.incrementAndGet();
        if (!waiter.completeExceptionally(new LaneRejectedException(
            LaneRejectedException.Reason.WAIT_TIMEOUT, "waited longer than " + maxWait))) {
          timedOut.decrementAndGet(); // granted or cancelled just before
        }
      });
      waiter.whenComplete((p, e) -> timeout.cancel(false));
    }
    return waiter;
  }

  /**
   * Blocks the calling thread until a token is free or {@code timeout} passes.
   *
   * @throws TimeoutException if no token came in time (nothing is held then)
   * @throws InterruptedException if interrupted while waiting (nothing is held then)
   */
  public Permit acquire(Duration timeout) throws InterruptedException, TimeoutException {
    long nanos = saturatedNanos(timeout); // before queueing: a conversion that throws must hold nothing
    CompletableFuture<Permit> pending = acquire();
    try {
      return pending.get(nanos, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException | InterruptedException e) {
      if (!pending.cancel(false) && !pending.isCompletedExceptionally()) {
        // Granted between the wait giving up and the cancel: give the token back, uncounted,
        // as complete() does for a waiter that gave up first.
        granted.decrementAndGet();
        pending.join().close();
      }
      throw e;
    }
  }

  void release() {
    List<Waiter> admitted;
    lock.lock();
    try {
      if (borrowed <= 0) {
        throw new IllegalStateException("release without a matching acquire");
      }
      borrowed--;
      admitted = grantLocked();
    } finally {
      lock.unlock();
    }
    complete(admitted);
  }

  /** Takes every waiter out of the queue, for a closing lane to refuse them. */
  List<? extends CompletableFuture<Permit>> drainWaiters() {
    List<Waiter> drained = new ArrayList<>();
    lock.lock();
    try {
      for (Waiter w = waiters.poll(); w != null; w = waiters.poll()) {
        drained.add(w);
      }
    } finally {
      lock.unlock();
    }
    return drained;
  }

  /** Removes a waiter that gave up; a no-op if it was already dequeued for a grant. */
  private void abandon(Waiter waiter) {
    lock.lock();
    try {
      waiters.remove(waiter);
    } finally {
      lock.unlock();
    }
  }

  private List<Waiter> grantLocked() {
    List<Waiter> admitted = null;
    while (borrowed < total && !waiters.isEmpty()) {
      Waiter next = waiters.poll();
      borrowed++;
      if (admitted == null) {
        admitted = new ArrayList<>(2);
      }
      admitted.add(next);
    }
    return admitted == null ? List.of() : admitted;
  }

  /**
   * Completes the waiters a release or a resize admitted. A grant runs its waiter's dependents on
   * this thread, and one that gives its token straight back (a lane task cancelled or refused
   * while queued) releases and grants again from inside: past {@link #MAX_NESTED_GRANTS} levels
   * the grants go to a new virtual thread instead, so thousands of such waiters cannot overflow
   * the stack (which {@code CompletableFuture} would swallow, stranding waiters and tokens), and
   * a dependent that waits for a later grant after giving its token back is not waiting for itself.
   */
  private static void complete(List<Waiter> admitted) {
    if (admitted.isEmpty()) {
      return;
    }
    int[] depth = GRANT_DEPTH.get();
    if (depth[0] >= MAX_NESTED_GRANTS) {
      Thread.ofVirtual().name("lanes-grant").start(() -> complete(admitted));
      return;
    }
    depth[0]++;
    try {
      for (Waiter w : admitted) {
        w.owner.grant(w);
      }
    } finally {
      depth[0]--;
    }
  }

  private void grant(Waiter w) {
    // Counted before the waiter's dependents run: whoever sees the grant's effects sees the count.
    granted.incrementAndGet();
    Permit permit = new Permit(this);
    if (!w.grant(permit)) {
      // Cancelled or timed out between being dequeued and completed: hand the token back.
      granted.decrementAndGet();
      permit.close();
    }
  }

  /**
   * {@code d} in nanoseconds, {@link Long#MAX_VALUE} past what a long holds (about 292 years), and
   * 0 for a negative one (no wait, as {@link Thread#sleep(Duration)}), however large.
   */
  static long saturatedNanos(Duration d) {
    return d.isNegative() ? 0 : d.compareTo(LONGEST) >= 0 ? Long.MAX_VALUE : d.toNanos();
  }

  private static int requirePositive(int n, String what) {
    if (n < 1) {
      throw new IllegalArgumentException(what + " must be >= 1: " + n);
    }
    return n;
  }

  private static int requireNonNegative(int n, String what) {
    if (n < 0) {
      throw new IllegalArgumentException(what + " must be >= 0: " + n);
    }
    return n;
  }

  /** A queued acquisition; it is its own future so cancellation needs no extra object. */
  static final class Waiter extends CompletableFuture<Permit> {
    private final CapacityLimiter owner;
    Waiter prev;
    Waiter next;
    boolean queued;

    Waiter(CapacityLimiter owner) {
      this.owner = owner;
    }

    boolean grant(Permit permit) {
      return super.complete(permit);
    }

    @Override
    public boolean complete(Permit value) {
      throw new UnsupportedOperationException("only the limiter grants permits");
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      if (isDone()) {
        return false;
      }
      // Leave the queue before dependents run (a 503 is written from inside this call), so they
      // see the waiter gone. Once out of the queue no grant can pick it; one that already did
      // completes first and this returns false.
      owner.abandon(this);
      return super.completeExceptionally(ex);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (isDone()) {
        return false;
      }
      owner.abandon(this); // as completeExceptionally: out of the queue before dependents run
      return super.cancel(mayInterruptIfRunning);
    }
  }
}

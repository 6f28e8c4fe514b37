package dev.lanes.tasks;

import dev.lanes.concurrency.Lane;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker lane as db-scheduler's executor. On H2 each due execution db-scheduler hands over
 * waits for a token of the lane and only then tries to claim the execution, so resizing the lane
 * changes the claims at once; on PostgreSQL db-scheduler hands over executions it claimed already,
 * as many as the lane had slots at start (plus {@code claimAhead}, which wait in the lane's queue).
 * Shutdown waits for what was handed over; {@link #shutdownNow} cancels it (queued work
 * leaves the lane unclaimed, running attempts are interrupted and hand their task back), and from
 * then on termination is awaited only until the hand-back wait after the interrupt has passed.
 */
final class LaneExecutor extends AbstractExecutorService {
  private final Lane lane;
  private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();
  private final AtomicInteger running = new AtomicInteger();
  private volatile boolean shutdown;
  private final Duration handBackWait;
  /** When {@link #shutdownNow} interrupted the attempts ({@code System.nanoTime}); 0 before. */
  private volatile long interruptedAt;

  /**
   * @param handBackWait how long, from the interrupt, termination is awaited at most: interrupted
   *     attempts hand their tasks back within it, and one that ignores the interrupt is left
   */
  LaneExecutor(Lane lane, Duration handBackWait) {
    this.lane = lane;
    this.handBackWait = handBackWait;
  }

  @Override
  public void execute(Runnable command) {
    if (shutdown) {
      throw new RejectedExecutionException("the task worker is stopping");
    }
    // A cancelled future completes at once, while its interrupted attempt still hands its task
    // back: termination also waits for the attempts themselves.
    CompletableFuture<Void> f = lane.execute(() -> {
      running.incrementAndGet();
      try {
        command.run();
      } finally {
        running.decrementAndGet();
        signal();
      }
    });
    pending.add(f);
    f.whenComplete((v, e) -> {
      pending.remove(f);
      signal();
    });
  }

  private synchronized void signal() {
    notifyAll();
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    if (interruptedAt == 0) {
      interruptedAt = System.nanoTime() | 1; // never 0
    }
    pending.forEach(f -> f.cancel(true));
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && pending.isEmpty() && running.get() == 0;
  }

  @Override
  public synchronized boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    long interrupted = interruptedAt;
    // db-scheduler waits the shutdown grace a second time after interrupting: an attempt that
    // ignores the interrupt would hold close() that long again, past a signalled worker's deadline.
    if (interrupted != 0 && deadline - (interrupted + handBackWait.toNanos()) > 0) {
      deadline = interrupted + handBackWait.toNanos();
    }
    while (!pending.isEmpty() || running.get() > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
    }
    return true;
  }
}

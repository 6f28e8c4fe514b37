package dev.lanes.concurrency;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * One task of a lane, and the future its caller holds. Cancelling it reaches the work: a queued
 * task leaves the queue, a running one has its thread interrupted. The lock on this object makes
 * sure an interrupt never lands on a thread that has moved on to another task.
 */
final class LaneTask<T> extends CompletableFuture<T> {
  private static final Object TERMINATED = new Object();
  private static final VarHandle TERMINATION;

  static {
    try {
      TERMINATION = MethodHandles.lookup().findVarHandle(LaneTask.class, "termination", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Callable<T> body;
  private volatile CompletableFuture<Permit> acquisition;
  private long grantedAt; // written before the task is handed to the executor, read by its thread
  private Thread runner; // guarded by this
  // Whether the body has returned or will never run (cancelling completes the task's own future at
  // once, while its thread may still be unwinding from the interrupt): null, then the future a
  // waiter asked for, or TERMINATED. Made only when someone waits (a TaskGroup): not per task.
  private volatile Object termination;

  LaneTask(Callable<T> body) {
    this.body = body;
  }

  void waitingOn(CompletableFuture<Permit> acquisition) {
    this.acquisition = acquisition;
  }

  void grantedAt(long nanos) {
    grantedAt = nanos;
  }

  /** When the token was granted ({@link System#nanoTime}); for an adaptive lane's samples. */
  long grantedAt() {
    return grantedAt;
  }

  /** Whether {@code thread} is running this task's body now. */
  synchronized boolean runsOn(Thread thread) {
    return runner == thread;
  }

  void runHolding(Permit permit, Lane lane) {
    synchronized (this) {
      if (isDone()) {
        // Cancelled after its grant was reported: it still ends, as a cancelled task, for listeners
        // pairing each laneAcquired with a laneTaskEnd and for the lane's counts.
        long startedAt = lane.started();
        permit.close();
        terminated();
        lane.finished(this, new java.util.concurrent.CancellationException(), startedAt,
            AdaptiveLimit.UNKNOWN);
        return;
      }
      runner = Thread.currentThread();
    }
    long startedAt = lane.started();
    long cpuAtStart = lane.taskCpuTime();
    T value = null;
    Throwable error = null;
    try {
      value = body.call();
    } catch (Throwable t) {
      error = t;
    } finally {
      synchronized (this) {
        runner = null;
      }
      Thread.interrupted(); // an interrupt meant for this task must not leak into the next one
      lane.giveBack(permit);
      terminated();
    }
    // Counted (and reported) before the caller sees the result, so statistics and events never lag it.
    lane.finished(this, isCancelled() ? new java.util.concurrent.CancellationException() : error,
        startedAt, cpuAtStart);
    if (error == null) {
      complete(value);
    } else {
      completeExceptionally(error);
    }
  }

  @SuppressWarnings("unchecked")
  void terminated() {
    Object waiter = TERMINATION.getAndSet(this, TERMINATED);
    if (waiter instanceof CompletableFuture<?> f) {
      ((CompletableFuture<Void>) f).complete(null);
    }
  }

  /** Completes when the body has stopped (or will never start). */
  @SuppressWarnings("unchecked")
  CompletableFuture<Void> termination() {
    while (true) {
      Object state = termination;
      if (state == TERMINATED) {
        return CompletableFuture.completedFuture(null);
      }
      if (state != null) {
        return (CompletableFuture<Void>) state;
      }
      CompletableFuture<Void> f = new CompletableFuture<>();
      if (TERMINATION.compareAndSet(this, null, f)) {
        return f;
      }
    }
  }

  /**
   * Completed by its caller while still queued ({@code orTimeout}, say): it leaves the lane's queue,
   * as a cancelled one does, instead of holding a queue slot and, once granted, a token.
   */
  @Override
  public boolean completeExceptionally(Throwable ex) {
    if (!super.completeExceptionally(ex)) {
      return false;
    }
    leaveQueue();
    return true;
  }

  /** As {@link #completeExceptionally}: a task its caller completes leaves the queue. */
  @Override
  public boolean complete(T value) {
    if (!super.complete(value)) {
      return false;
    }
    leaveQueue();
    return true;
  }

  private void leaveQueue() {
    CompletableFuture<Permit> pending = acquisition;
    if (pending != null && !pending.isDone()) {
      pending.cancel(false);
    }
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (isDone()) {
      return false;
    }
    CompletableFuture<Permit> pending = acquisition;
    if (pending != null && !pending.isDone()) {
      // Leave the lane's queue before anyone reacts to the cancellation (a 504 is written from
      // there): its handler in Lane.run completes this task as cancelled.
      pending.cancel(false);
    }
    boolean done = super.cancel(mayInterruptIfRunning);
    if (done) {
      synchronized (this) {
        if (runner != null) {
          runner.interrupt();
        }
      }
    }
    return done || isCancelled();
  }
}

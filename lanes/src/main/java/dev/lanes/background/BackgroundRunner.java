package dev.lanes.background;

import dev.lanes.concurrency.Lanes;
import dev.lanes.concurrency.TaskOutcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs the background tasks of sent responses, one response's tasks in order, and counts them.
 * Blocking tasks go to their lane; async ones start on the loop that sent the response. The
 * runner never throws: a failed task is logged and the chain moves on.
 */
public final class BackgroundRunner {
  private static final System.Logger LOG = System.getLogger(BackgroundRunner.class.getName());

  private final Lanes lanes;
  private final BackgroundListener listener;
  private final LongAdder started = new LongAdder();
  private final LongAdder completed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicInteger running = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();

  public BackgroundRunner(Lanes lanes) {
    this(lanes, BackgroundListener.NONE);
  }

  /** A runner that reports each task's start and end to {@code listener}. */
  public BackgroundRunner(Lanes lanes, BackgroundListener listener) {
    this.lanes = lanes;
    this.listener = java.util.Objects.requireNonNull(listener, "listener");
  }

  /**
   * Starts {@code tasks} after a response to {@code route}; {@code loop} is where async tasks
   * start. Returns when the chain has been started, not when it ends.
   */
  public CompletableFuture<Void> run(BackgroundTasks tasks, String route, Executor loop) {
    List<BackgroundTasks.BackgroundTask> list = tasks.tasks();
    if (list.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    running.addAndGet(list.size());
    CompletableFuture<Void> done = new CompletableFuture<>();
    next(list, 0, route, loop, done);
    return done;
  }

  private void next(List<BackgroundTasks.BackgroundTask> list, int i, String route, Executor loop,
      CompletableFuture<Void> done) {
    if (i == list.size()) {
      done.complete(null);
      return;
    }
    BackgroundTasks.BackgroundTask task = list.get(i);
    started.increment();
    long startedAt = System.nanoTime();
    listener.backgroundTaskStart(task.name(), route);
    CompletableFuture<?> step;
    try {
      step = switch (task.body()) {
        case BackgroundTasks.BlockingTask b -> lanes.get(task.lane().orElse(Lanes.BACKGROUND)).execute(() -> {
          try {
            b.run();
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        });
        case BackgroundTasks.AsyncTask a -> startOn(loop, a);
      };
    } catch (RuntimeException e) {
      step = CompletableFuture.failedFuture(e);
    }
    step.whenComplete((v, error) -> {
      TaskOutcome outcome;
      if (error == null) {
        completed.increment();
        outcome = TaskOutcome.COMPLETED;
      } else {
        failed.increment();
        outcome = unwrap(error) instanceof java.util.concurrent.CancellationException
            ? TaskOutcome.CANCELLED : TaskOutcome.FAILED;
        LOG.log(System.Logger.Level.ERROR,
            () -> "background task '" + task.name() + "' after " + route + " failed", unwrap(error));
      }
      listener.backgroundTaskEnd(task.name(), route, outcome,
          Duration.ofNanos(System.nanoTime() - startedAt));
      finishedOne();
      next(list, i + 1, route, loop, done);
    });
  }

  private static CompletableFuture<Object> startOn(Executor loop, BackgroundTasks.AsyncTask task) {
    CompletableFuture<Object> result = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        task.start().whenComplete((v, e) -> {
          if (e != null) {
            result.completeExceptionally(e);
          } else {
            result.complete(v);
          }
        });
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  private void finishedOne() {
    if (running.decrementAndGet() == 0) {
      lock.lock();
      try {
        idle.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  /** Waits until no task is queued or running; returns false if {@code timeout} passed first. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (running.get() > 0) {
        if (nanos <= 0) {
          return false;
        }
        nanos = idle.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Counts of background tasks. */
  public BackgroundStatistics statistics() {
    return new BackgroundStatistics(started.sum(), completed.sum(), failed.sum(), running.get());
  }
}

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
  private final LongAdder cancelled = new LongAdder();
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
   * Starts {@code tasks} after a response to {@code route} (its template, e.g.
   * {@code GET /items/{id}}, as the listener hears it); {@code where} names the request in logs
   * ({@code GET /items/1}); {@code loop} is where async tasks start. Returns when the chain has
   * been started; the future completes when its last task has ended.
   */
  public CompletableFuture<Void> run(BackgroundTasks tasks, String route, String where, Executor loop) {
    List<BackgroundTasks.BackgroundTask> list = tasks.tasks();
    if (list.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    running.addAndGet(list.size());
    Chain chain = new Chain(list, route, where, loop);
    chain.advance();
    return chain.done;
  }

  /**
   * One response's tasks, run in order. Driven by a loop, not by recursion: a step that ends at
   * once (a lane that refuses it, a fast task) is handled in the loop, and only a step still
   * running gets a callback, which re-enters the loop. Chaining each task from the previous one's
   * callback grew the stack by a frame per task that ended at once, until it overflowed.
   */
  private final class Chain {
    final List<BackgroundTasks.BackgroundTask> list;
    final String route;
    final String where;
    final Executor loop;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    int next; // the task to start; touched by one thread at a time, each step handing over to the next

    Chain(List<BackgroundTasks.BackgroundTask> list, String route, String where, Executor loop) {
      this.list = list;
      this.route = route;
      this.where = where;
      this.loop = loop;
    }

    /** Starts tasks until one is still running (it resumes the chain when it ends) or none is left. */
    void advance() {
      while (next < list.size()) {
        BackgroundTasks.BackgroundTask task = list.get(next++);
        started.increment();
        long startedAt = System.nanoTime();
        listener.backgroundTaskStart(task.name(), route);
        CompletableFuture<?> step = start(task, loop);
        if (!step.isDone()) {
          step.whenComplete((v, error) -> {
            ended(task, startedAt, error);
            advance();
          });
          return;
        }
        ended(task, startedAt, failure(step));
      }
      done.complete(null);
    }

    private void ended(BackgroundTasks.BackgroundTask task, long startedAt, Throwable error) {
      TaskOutcome outcome;
      if (error == null) {
        completed.increment();
        outcome = TaskOutcome.COMPLETED;
      } else if (unwrap(error) instanceof java.util.concurrent.CancellationException) {
        // Counted apart from failures, as the listener (and lanes_background_tasks_total) hears it.
        cancelled.increment();
        outcome = TaskOutcome.CANCELLED;
        LOG.log(System.Logger.Level.WARNING,
            () -> "background task '" + task.name() + "' after " + where + " was cancelled");
      } else {
        failed.increment();
        outcome = TaskOutcome.FAILED;
        LOG.log(System.Logger.Level.ERROR,
            () -> "background task '" + task.name() + "' after " + where + " failed", unwrap(error));
      }
      listener.backgroundTaskEnd(task.name(), route, outcome, Duration.ofNanos(System.nanoTime() - startedAt));
      finishedOne();
    }
  }

  /** Starts {@code task}: a step that cannot even start is a failed one, whatever was thrown. */
  private CompletableFuture<?> start(BackgroundTasks.BackgroundTask task, Executor loop) {
    try {
      return switch (task.body()) {
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
    } catch (Throwable e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The failure of a step that has ended, or null if it completed. */
  private static Throwable failure(CompletableFuture<?> step) {
    if (!step.isCompletedExceptionally()) {
      return null;
    }
    try {
      step.join();
      return null;
    } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
      return e;
    }
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
      } catch (Throwable e) { // an Error too (an assert): else the step never ends and the chain hangs
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
    return new BackgroundStatistics(started.sum(), completed.sum(), failed.sum(), cancelled.sum(), running.get());
  }
}

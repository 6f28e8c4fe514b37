package dev.lanes.concurrency;

import dev.lanes.internal.concurrency.LoopBinding;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Helpers for async code, named after Starlette's {@code concurrency} module and asyncio.
 * Each returns a future that completes on the calling event loop when called from one, so the
 * code that follows runs on the loop, not on a worker thread.
 *
 * <pre>{@code
 * return Concurrency.runBlocking(lanes.get("blocking"), () -> legacyCall())
 *     .thenApply(Response::json);
 * }</pre>
 */
public final class Concurrency {
  private Concurrency() {}

  /** A non-blocking sleep (asyncio.sleep): no thread is held while it waits. */
  public static CompletableFuture<Void> sleep(Duration delay) {
    Sleep done = new Sleep();
    Optional<ScheduledExecutorService> loop = LoopBinding.current();
    done.timer = loop.isPresent()
        ? loop.get().schedule(done, CapacityLimiter.saturatedNanos(delay), TimeUnit.NANOSECONDS)
        : DelayScheduler.schedule(delay, done);
    if (done.isCancelled()) { // cancelled before its timer was known
      done.timer.cancel(false);
    }
    return done;
  }

  /**
   * A sleep's future, run by its own timer; cancelling or failing it cancels the timer. One object
   * per sleep where a watching stage took three: with 10 000 requests asleep, each young
   * collection copies whatever they hold.
   */
  private static final class Sleep extends CompletableFuture<Void> implements Runnable {
    private volatile ScheduledFuture<?> timer;

    @Override
    public void run() {
      complete(null);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      return dropTimerIf(super.completeExceptionally(ex)); // failed or cancelled: the timer is moot
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return dropTimerIf(super.cancel(mayInterruptIfRunning));
    }

    private boolean dropTimerIf(boolean ended) {
      ScheduledFuture<?> t = timer;
      if (ended && t != null) {
        t.cancel(false);
      }
      return ended;
    }
  }

  /**
   * Runs blocking {@code task} in {@code lane} (Starlette's {@code run_in_threadpool}, with the
   * pool named and bounded by the lane). Cancelling the result cancels the task; completing it
   * first ({@code orTimeout}, say) takes a task still queued out of the lane's queue.
   */
  public static <T> CompletableFuture<T> runBlocking(Lane lane, Callable<T> task) {
    return resumeOnCaller(lane.run(task));
  }

  /**
   * Runs {@code task} on the user's {@code executor} (asyncio's {@code run_in_executor}). There is
   * no hidden default executor: the caller says which one.
   */
  public static <T> CompletableFuture<T> runInExecutor(Executor executor, Callable<T> task) {
    Objects.requireNonNull(executor, "executor");
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        if (result.isDone()) {
          return;
        }
        try {
          result.complete(task.call());
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(e);
    }
    return resumeOnCaller(result);
  }

  /** Completes the returned future on the caller's event loop, if the caller is on one. */
  private static <T> CompletableFuture<T> resumeOnCaller(CompletableFuture<T> work) {
    Optional<ScheduledExecutorService> loop = LoopBinding.current();
    if (loop.isEmpty()) {
      return work;
    }
    Executor resume = loop.get();
    CompletableFuture<T> onLoop = new CompletableFuture<>();
    work.whenComplete((value, error) -> resume.execute(() -> {
      if (error != null) {
        onLoop.completeExceptionally(error);
      } else {
        onLoop.complete(value);
      }
    }));
    // The caller may end the returned future first (cancel, orTimeout, complete): the work follows,
    // so a queued lane task leaves the queue as it does when the caller holds the task itself.
    onLoop.whenComplete((v, e) -> {
      if (onLoop.isCancelled()) {
        work.cancel(true);
      } else if (e != null) {
        work.completeExceptionally(e);
      } else {
        work.complete(v);
      }
    });
    return onLoop;
  }
}

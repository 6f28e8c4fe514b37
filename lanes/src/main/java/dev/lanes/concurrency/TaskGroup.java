package dev.lanes.concurrency;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Structured concurrency over a lane (anyio's task group): tasks started in the group run in the
 * lane; {@link #join()} waits for all of them; the first failure cancels the rest (interrupting
 * those running), waits until they have stopped, and is rethrown. Closing the group cancels
 * whatever is still running and waits for it to stop, so no task outlives the block that started
 * it (a task that ignores interrupts delays the close). A task of the group may call either: it
 * waits for the other tasks only, and closing leaves the calling task running (the first result
 * wins, say, and stops the rest).
 *
 * <pre>{@code
 * try (TaskGroup group = TaskGroup.in(lanes.get("db"))) {
 *   var user = group.start(() -> users.find(id));
 *   var orders = group.start(() -> orders.of(id));
 *   group.join();
 *   return render(user.join(), orders.join());
 * }
 * }</pre>
 */
public final class TaskGroup implements AutoCloseable {
  private final Lane lane;
  private final List<LaneTask<?>> tasks = new ArrayList<>();
  private final CompletableFuture<Void> firstFailure = new CompletableFuture<>();

  private TaskGroup(Lane lane) {
    this.lane = lane;
  }

  /** A group whose tasks run in {@code lane}. */
  public static TaskGroup in(Lane lane) {
    return new TaskGroup(lane);
  }

  /** Starts a task; if it fails, every other task of the group is cancelled. */
  @SuppressWarnings("unchecked") // Lane.run returns its LaneTask
  public synchronized <T> CompletableFuture<T> start(Callable<T> task) {
    if (firstFailure.isDone()) {
      throw new IllegalStateException("task group already failed or closed");
    }
    CompletableFuture<T> f = lane.run(task);
    tasks.add((LaneTask<T>) f);
    f.whenComplete((v, e) -> {
      if (e != null) {
        failed(unwrap(e));
      }
    });
    return f;
  }

  /**
   * Waits for every task, also those its tasks start meanwhile. Rethrows the first failure (other
   * tasks were cancelled by then) as an unchecked {@link CompletionException} whose cause is the
   * task's exception. Interrupted while waiting, it cancels the group, waits until its tasks have
   * stopped and throws {@link CancellationException}, the thread's interrupt status kept.
   */
  public void join() {
    while (true) {
      List<LaneTask<?>> all;
      synchronized (this) {
        all = List.copyOf(tasks);
      }
      List<LaneTask<?>> snapshot = othersThanCaller(all);
      try {
        CompletableFuture.anyOf(CompletableFuture.allOf(snapshot.toArray(CompletableFuture[]::new)), firstFailure)
            .get();
      } catch (ExecutionException e) {
        // fall through to report the first failure below
      } catch (InterruptedException e) {
        // The caller was cancelled (a blocking handler whose client left): so is its group.
        CancellationException cancelled = new CancellationException("task group's join was interrupted");
        failed(cancelled);
        awaitStopped();
        Thread.currentThread().interrupt();
        throw cancelled;
      }
      // The last task to fail completes allOf before its own callback (registered first, run
      // last) records the failure: look at the tasks themselves.
      for (LaneTask<?> t : snapshot) {
        if (t.isCompletedExceptionally()) {
          failed(t.isCancelled() ? new CancellationException() : t.exceptionNow());
        }
      }
      if (firstFailure.isCompletedExceptionally()) {
        awaitStopped();
        firstFailure.join(); // throws CompletionException with the first cause
      }
      synchronized (this) {
        if (tasks.size() == all.size()) {
          return; // none started meanwhile
        }
      }
    }
  }

  /** Records {@code cause} if it is the group's first failure, and then cancels the other tasks. */
  private void failed(Throwable cause) {
    if (firstFailure.completeExceptionally(cause)) {
      cancelAll();
    }
  }

  /** Cancels tasks still running. */
  @Override
  public void close() {
    firstFailure.completeExceptionally(new IllegalStateException("task group closed"));
    cancelAll();
    awaitStopped();
  }

  private void awaitStopped() {
    List<LaneTask<?>> snapshot;
    synchronized (this) {
      snapshot = List.copyOf(tasks);
    }
    CompletableFuture.allOf(othersThanCaller(snapshot).stream().map(LaneTask::termination)
        .toArray(CompletableFuture[]::new)).join();
  }

  private void cancelAll() {
    List<LaneTask<?>> snapshot;
    synchronized (this) {
      snapshot = List.copyOf(tasks);
    }
    othersThanCaller(snapshot).forEach(f -> f.cancel(true));
  }

  /**
   * {@code snapshot} without the task running on this thread, if it is one of the group's: a task
   * that joins or closes its group cannot wait for itself. Read outside the group's lock, as a
   * task's own lock is taken before the group's when its token goes back.
   */
  private static List<LaneTask<?>> othersThanCaller(List<LaneTask<?>> snapshot) {
    Thread caller = Thread.currentThread();
    return snapshot.stream().filter(t -> !t.runsOn(caller)).toList();
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}

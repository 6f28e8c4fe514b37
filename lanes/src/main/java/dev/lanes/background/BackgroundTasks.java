package dev.lanes.background;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Work to do after a response has been sent, as Starlette's {@code BackgroundTasks}. Tasks run in
 * the order added: blocking ones in the {@code background} lane (or the lane they name), async
 * ones on the event loop. A task that fails is logged with its route and name and counted; the
 * tasks after it still run. They never take the tokens of the endpoints lane.
 *
 * <pre>{@code
 * BackgroundTasks tasks = BackgroundTasks.create().add("send-email", () -> mailer.send(to));
 * return Response.json(Map.of("queued", true)).withBackground(tasks);
 * }</pre>
 */
public final class BackgroundTasks {
  /** No tasks; what every response carries by default. */
  public static final BackgroundTasks NONE = new BackgroundTasks(List.of());

  private final List<BackgroundTask> tasks;

  private BackgroundTasks(List<BackgroundTask> tasks) {
    this.tasks = tasks;
  }

  /** An empty, growable list of tasks. */
  public static BackgroundTasks create() {
    return new BackgroundTasks(new ArrayList<>());
  }

  /** Adds a blocking task run in the {@code background} lane. */
  public BackgroundTasks add(String name, BlockingTask task) {
    return append(new BackgroundTask(name, Optional.empty(), task));
  }

  /** Adds a blocking task run in the named lane. */
  public BackgroundTasks add(String name, String lane, BlockingTask task) {
    return append(new BackgroundTask(name, Optional.of(lane), task));
  }

  /** Adds an async task, started on the event loop. */
  public BackgroundTasks addAsync(String name, Supplier<? extends CompletionStage<?>> task) {
    Objects.requireNonNull(task, "task");
    AsyncTask async = task::get;
    return append(new BackgroundTask(name, Optional.empty(), async));
  }

  /**
   * Adds {@code other}'s tasks, in their order, after this list's; {@code other} is not changed.
   *
   * <pre>{@code BackgroundTasks all = BackgroundTasks.create().addAll(first).addAll(second); }</pre>
   */
  public BackgroundTasks addAll(BackgroundTasks other) {
    List<BackgroundTask> added = other.tasks(); // a snapshot first: never two locks held at once
    synchronized (this) {
      if (this == NONE) {
        throw new UnsupportedOperationException("use BackgroundTasks.create()");
      }
      tasks.addAll(added);
    }
    return this;
  }

  private synchronized BackgroundTasks append(BackgroundTask task) {
    if (this == NONE) {
      throw new UnsupportedOperationException("use BackgroundTasks.create()");
    }
    tasks.add(task);
    return this;
  }

  /** A snapshot of the tasks, in order. */
  public synchronized List<BackgroundTask> tasks() {
    return List.copyOf(tasks);
  }

  public synchronized boolean isEmpty() {
    return tasks.isEmpty();
  }

  /** A blocking task body. */
  @FunctionalInterface
  public non-sealed interface BlockingTask extends TaskBody {
    void run() throws Exception;
  }

  /** An async task body: starts on the loop, must not block. */
  @FunctionalInterface
  public non-sealed interface AsyncTask extends TaskBody {
    CompletionStage<?> start() throws Exception;
  }

  /** The two kinds of task body, switched on by the runner. */
  public sealed interface TaskBody permits BlockingTask, AsyncTask {}

  /**
   * One task.
   *
   * @param name shown in logs and statistics
   * @param lane the lane for a blocking task, if not {@code background}
   * @param body what to run
   */
  public record BackgroundTask(String name, Optional<String> lane, TaskBody body) {
    public BackgroundTask {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(lane, "lane");
      Objects.requireNonNull(body, "body");
    }
  }
}

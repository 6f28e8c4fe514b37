package dev.lanes.tasks;

import dev.lanes.App;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker process: the app's lanes, state and lifespan with no HTTP server, running tasks in its
 * worker lane until stopped. On SIGTERM or SIGINT ({@link #stopOnSignal()}) it stops claiming
 * tasks, lets running ones finish within the tasks' shutdown grace, hands the rest back, and runs
 * the app's shutdown hooks.
 *
 * <pre>{@code
 * try (TaskWorker worker = TaskWorker.start(app, tasks).stopOnSignal()) {
 *   worker.awaitClose();
 * }
 * }</pre>
 */
public final class TaskWorker implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(TaskWorker.class.getName());

  private final App app;
  private final Tasks tasks;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closed = new CountDownLatch(1);

  private TaskWorker(App app, Tasks tasks) {
    this.app = app;
    this.tasks = tasks;
  }

  /**
   * Runs the app's startup hooks, then starts {@code tasks}' workers on the app's lanes.
   *
   * @throws dev.lanes.lifespan.Lifespan.StartupException if a startup hook fails
   * @throws IllegalStateException if the tasks cannot start (their store, a missing lane)
   */
  public static TaskWorker start(App app, Tasks tasks) {
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(tasks, "tasks");
    app.lifespan().start();
    try {
      tasks.start(app);
    } catch (RuntimeException e) {
      app.lifespan().stop();
      throw e;
    }
    LOG.log(System.Logger.Level.INFO, () -> "task worker running " + tasks.types().keySet() + " in lanes "
        + app.lanes().statistics().stream().map(s -> s.name() + "=" + s.capacity()).toList());
    return new TaskWorker(app, tasks);
  }

  /** Stops this worker gracefully when the JVM is asked to exit (SIGTERM, SIGINT, {@code System.exit}). */
  public TaskWorker stopOnSignal() {
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("lanes-worker-stop").unstarted(this::close));
    return this;
  }

  /** Waits until the worker has stopped. */
  public void awaitClose() throws InterruptedException {
    closed.await();
  }

  /**
   * Drains the tasks (see {@link Tasks#close()}) and runs the app's shutdown hooks; a second call
   * waits for the first. The app's lanes stay open: {@code app.close()} closes them.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      boolean interrupted = false;
      while (closed.getCount() > 0) {
        try {
          closed.await();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    LOG.log(System.Logger.Level.INFO, "task worker stopping: draining running tasks");
    try {
      tasks.close();
    } finally {
      app.lifespan().stop();
      closed.countDown();
    }
  }
}

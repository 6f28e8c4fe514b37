package dev.lanes.tasks;

import dev.lanes.App;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker process: the app's lanes, state and lifespan with no HTTP server, running tasks in its
 * worker lane until stopped. On SIGTERM or SIGINT ({@link #stopOnSignal()}) it stops claiming
 * tasks, lets running ones finish within the tasks' shutdown grace, hands the rest back, and runs
 * the app's shutdown hooks; the JVM then exits (status 143 for SIGTERM) once the threads that
 * waited in {@link #awaitClose()} have ended, so main's cleanup after it is not cut short.
 *
 * <pre>{@code
 * try (TaskWorker worker = TaskWorker.start(app, tasks).stopOnSignal()) {
 *   worker.awaitClose();
 * }
 * }</pre>
 */
public final class TaskWorker implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(TaskWorker.class.getName());
  private static final Duration FOREVER = Duration.ofDays(36_500);

  private final App app;
  private final Tasks tasks;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closed = new CountDownLatch(1);
  /** Threads that called awaitClose: the signal's stop waits for their cleanup after it. */
  private final Set<Thread> awaiting = ConcurrentHashMap.newKeySet();

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

  /**
   * Stops this worker gracefully when the JVM is asked to exit (SIGTERM, SIGINT, {@code System.exit}),
   * in a JVM shutdown hook, then waits for the threads that waited in {@link #awaitClose()} to
   * end (the tasks' shutdown grace at most): the JVM halts as soon as its shutdown hooks end,
   * cutting off whatever main still did after {@code awaitClose} (closing the app, a server on
   * it whose close runs the app's shutdown hooks).
   */
  public TaskWorker stopOnSignal() {
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("lanes-worker-stop").unstarted(() -> {
      close();
      awaitAwaiting();
    }));
    return this;
  }

  /**
   * Waits until the worker has stopped. After {@link #stopOnSignal()} stopped it, the JVM does
   * not exit before this thread has ended (the tasks' shutdown grace at most).
   */
  public void awaitClose() throws InterruptedException {
    awaiting.add(Thread.currentThread());
    closed.await();
  }

  /** Joins the non-daemon threads that waited in awaitClose, the tasks' shutdown grace at most. */
  private void awaitAwaiting() {
    Duration grace = tasks.shutdownGrace();
    // Saturating: Duration.toNanos throws past ~292 years; a century is "for ever" here.
    long deadline = System.nanoTime() + (grace.compareTo(FOREVER) > 0 ? FOREVER : grace).toNanos();
    try {
      for (Thread t : List.copyOf(awaiting)) {
        long left = deadline - System.nanoTime();
        if (t.isDaemon() || t == Thread.currentThread()) {
          continue;
        }
        if (left <= 0 || !t.join(Duration.ofNanos(left))) {
          LOG.log(System.Logger.Level.WARNING, () -> "thread " + t.getName() + " still runs "
              + grace + " after the task worker stopped: exiting without it");
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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

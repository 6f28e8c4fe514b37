package dev.lanes.tasks;

import dev.lanes.App;
import dev.lanes.server.StopOnSignal;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker process: the app's lanes, state and lifespan with no HTTP server, running tasks in its
 * worker lane until stopped. On SIGTERM or SIGINT ({@link #startStoppingOnSignal}, the handling a
 * {@code Server} has by default, from before its startup hooks run) it stops claiming tasks, lets running ones finish within the
 * tasks' shutdown grace, hands the rest back, and runs the app's shutdown hooks; {@link #awaitClose()}
 * then returns, and the process exits 0 once main has ended (its cleanup after {@code awaitClose}
 * is not cut short), as a server's does.
 *
 * <pre>{@code
 * try (TaskWorker worker = TaskWorker.startStoppingOnSignal(app, tasks)) {
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
   * {@link #start}, stopping on SIGTERM or SIGINT as {@link #stopOnSignal()} does, with the
   * signals handled from before the startup hooks run, as a {@code Server}'s are: a signal while
   * they run (a slow database) waits for the start to end (the tasks' shutdown grace and 10 s at
   * most, then the exit is 128 + the signal's number) and then stops the worker, its shutdown
   * hooks closing what the startup hooks opened, instead of the JVM's default ending the process
   * half-started.
   *
   * <pre>{@code try (TaskWorker worker = TaskWorker.startStoppingOnSignal(app, tasks)) { worker.awaitClose(); }}</pre>
   *
   * @throws IllegalStateException if a signal already came (the process is stopping), or as {@link #start}
   * @throws dev.lanes.lifespan.Lifespan.StartupException if a startup hook fails
   */
  public static TaskWorker startStoppingOnSignal(App app, Tasks tasks) {
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(tasks, "tasks");
    StopOnSignal.Start signals = StopOnSignal.starting(tasks.shutdownGrace());
    TaskWorker worker;
    try {
      worker = start(app, tasks);
    } catch (RuntimeException | Error e) {
      signals.failed();
      throw e;
    }
    signals.started(worker, worker.awaiting);
    return worker;
  }

  /**
   * Stops this worker gracefully on the first SIGTERM or SIGINT, as a {@code Server} started with
   * {@code stopOnSignal} (the default) stops, and together with any in the process
   * ({@link StopOnSignal}): its {@link #awaitClose()} returns once the worker has stopped, and the
   * process exits 0 when main has ended, or 2 s after the threads that waited in
   * {@code awaitClose} have ended (the tasks' shutdown grace at most) if other threads would keep
   * it alive. A stop that outlasts the grace by 10 s (a shutdown hook that hangs), or a second
   * signal, exits 128 + the signal's number. Only from this call on: a signal while
   * {@link #start} ran its startup hooks got the JVM's default; {@link #startStoppingOnSignal}
   * covers them too.
   *
   * @throws IllegalStateException if a signal already came: the process is stopping
   */
  public TaskWorker stopOnSignal() {
    StopOnSignal.register(this, tasks.shutdownGrace(), awaiting);
    return this;
  }

  /**
   * Waits until the worker has stopped. After {@link #stopOnSignal()} stopped it, the process
   * does not exit before this thread has ended (the tasks' shutdown grace at most).
   */
  public void awaitClose() throws InterruptedException {
    awaiting.add(Thread.currentThread());
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
      StopOnSignal.unregister(this);
      app.lifespan().stop();
      closed.countDown();
    }
  }
}

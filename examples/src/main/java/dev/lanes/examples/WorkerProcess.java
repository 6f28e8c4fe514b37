package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.observe.LanesDashboard;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.tasks.TaskWorker;
import dev.lanes.tasks.Tasks;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code examples.jar worker}: the demo's tasks run from a shared store in lane {@code tasks}
 * ({@link TaskWorker}), and with {@code WORKER_HTTP_PORT} a small HTTP server on the same app
 * showing what the lanes do: {@code /metrics} (Prometheus: lanes, task counters, queue depth and
 * age) and {@code /_lanes} (the dashboard with task counts), and no handler routes.
 *
 * <pre>{@code TASKS_DB=jdbc:postgresql://127.0.0.1:5432/test WORKER_HTTP_PORT=9100 java -jar examples.jar worker}</pre>
 *
 * <p>On SIGTERM the tasks drain within their shutdown grace while the port keeps answering, then
 * the server and the app close.
 */
final class WorkerProcess implements AutoCloseable {
  private final App app;
  private final Tasks tasks;
  private final DemoMetrics metrics;
  private final TaskWorker worker;
  private final Optional<Server> server;

  private WorkerProcess(App app, Tasks tasks, DemoMetrics metrics, TaskWorker worker, Optional<Server> server) {
    this.app = app;
    this.tasks = tasks;
    this.metrics = metrics;
    this.worker = worker;
    this.server = server;
  }

  /**
   * Starts the worker and, if {@code settings.workerHttpPort()} is set, its HTTP port.
   *
   * @throws RuntimeException if the store, a startup hook or the port fails; nothing is left running
   */
  static WorkerProcess start(DemoSettings settings, TaskSettings taskSettings) {
    boolean http = taskSettings.workerHttpPort().isPresent();
    DemoMetrics metrics = DemoMetrics.of(settings); // METRICS=off: no listener, no /metrics
    Tasks tasks = TaskRoutes.tasks(new TaskSettings(taskSettings.database(), true, taskSettings.concurrency()), metrics);
    App.Builder builder = App.builder().lane(Tasks.lane(taskSettings.concurrency()));
    if (http) {
      LanesDashboard.mount(builder::getAsync, "/_lanes", List.of(tasks.dashboardSection()));
    }
    App app = metrics.register(builder).build();
    metrics.start(app);
    metrics.bindTasks(tasks);
    TaskWorker worker;
    try {
      worker = TaskWorker.start(app, tasks);
    } catch (RuntimeException e) {
      app.close();
      metrics.close();
      throw e;
    }
    Optional<Server> server = Optional.empty();
    try {
      if (http) {
        // stopOnSignal off: the port stays up while the tasks drain, and closes after them
        server = Optional.of(Server.start(app, ServerConfig.builder().host(settings.host())
            .port(taskSettings.workerHttpPort().get()).stopOnSignal(false).build()));
      }
    } catch (RuntimeException e) {
      worker.close();
      app.close();
      metrics.close();
      throw e;
    }
    return new WorkerProcess(app, tasks, metrics, worker, server);
  }

  Tasks tasks() {
    return tasks;
  }

  /** The HTTP port, if it serves one. */
  OptionalInt httpPort() {
    return server.map(s -> OptionalInt.of(s.port())).orElse(OptionalInt.empty());
  }

  /** Drains on SIGTERM/SIGINT ({@link TaskWorker#stopOnSignal()}), then closes the rest. */
  WorkerProcess stopOnSignal() {
    worker.stopOnSignal();
    return this;
  }

  /** Waits until the worker drained, then closes the port and the app. */
  void awaitClose() throws InterruptedException {
    try {
      worker.awaitClose();
    } finally {
      closeRest();
    }
  }

  /** Drains the tasks (within their shutdown grace), then closes the port and the app. */
  @Override
  public void close() {
    try {
      worker.close();
    } finally {
      closeRest();
    }
  }

  private void closeRest() {
    server.ifPresent(Server::close);
    app.close();
    metrics.close();
  }
}

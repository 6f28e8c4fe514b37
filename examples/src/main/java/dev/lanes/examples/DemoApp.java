package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.observe.DashboardSection;
import dev.lanes.server.Compression;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.tasks.Tasks;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The demo app: seed 000's FastAPI app on Lanes plus one recipe per capability, each recipe a
 * file named for what it shows ({@link BlockingAndAsyncRoutes}, {@link HelloRoutes},
 * {@link BackgroundWork}, {@link StreamingRoutes}, {@link FilesAndUploads},
 * {@link StreamedUploads}, {@link TimeoutsAndDeadlines}, {@link CpuRoutes}, {@link ObservabilityRoutes}, {@link TaskRoutes}, {@link WebSocketEcho}, {@link ItemsApi}).
 *
 * <pre>{@code bin/demo    # or: SLEEP=0.5 java -jar examples/target/examples.jar}</pre>
 *
 * <p>With the argument {@code worker} it is a task worker instead: no handler routes, the {@code tasks} lane
 * running the demo's tasks from a shared store until SIGTERM ({@link WorkerProcess}); with
 * {@code WORKER_HTTP_PORT} it serves its {@code /metrics} and {@code /_lanes} there.
 *
 * <p>Settings come from the environment: see {@link DemoSettings} and {@link TaskSettings}.
 */
public final class DemoApp {
  private DemoApp() {}

  /** Every recipe on one builder; {@code executor} backs {@code /test/sync_async} (the seed's own executor). */
  static App.Builder recipes(DemoSettings settings, ExecutorService executor, BackgroundLog backgroundLog,
      DemoMetrics metrics) {
    return recipes(settings, executor, backgroundLog, metrics, List.of());
  }

  /** As above, the dashboard also showing {@code sections} (the task counts). */
  static App.Builder recipes(DemoSettings settings, ExecutorService executor, BackgroundLog backgroundLog,
      DemoMetrics metrics, List<DashboardSection> sections) {
    App.Builder app = App.builder();
    BlockingAndAsyncRoutes.addTo(app, settings.sleep(), executor);
    HelloRoutes.addTo(app);
    BackgroundWork.addTo(app, settings.backgroundSleep(), backgroundLog);
    StreamingRoutes.addTo(app);
    FilesAndUploads.addTo(app, settings.staticDir());
    StreamedUploads.addTo(app);
    TimeoutsAndDeadlines.addTo(app);
    WebSocketEcho.addTo(app);
    ItemsApi.addTo(app, ItemsApi.keyFromEnv());
    CpuRoutes.addTo(app, settings.cpuLane(), settings.cpuHashesPerMs());
    return ObservabilityRoutes.addTo(app, metrics, sections);
  }

  public static void main(String[] args) throws InterruptedException {
    DemoSettings settings;
    TaskSettings taskSettings;
    try {
      settings = DemoSettings.fromEnv();
      taskSettings = TaskSettings.fromEnv();
    } catch (IllegalArgumentException e) {
      System.err.println("lanes demo: " + e.getMessage());
      System.exit(1);
      return;
    }
    if (args.length > 0 && args[0].equals("worker")) {
      runWorker(settings, taskSettings);
      return;
    }
    // One name for all its threads: a numbered name is a string built per task.
    ExecutorService executor = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("demo-executor").factory());
    DemoMetrics metrics = DemoMetrics.of(settings);
    Tasks tasks = TaskRoutes.tasks(taskSettings, metrics);
    App app = TaskRoutes.addTo(recipes(settings, executor, new BackgroundLog(), metrics,
        List.of(tasks.dashboardSection())), tasks, taskSettings.concurrency()).build();
    metrics.start(app);
    metrics.bindTasks(tasks);
    Server server;
    try {
      tasks.start(app);
      // On SIGTERM the server stops first; the JVM's exit then waits for the tasks to drain.
      Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("lanes-demo-tasks-stop").unstarted(tasks::close));
      ServerConfig.Builder config = ServerConfig.builder()
          .host(settings.host())
          .port(settings.port())
          .transport(settings.transport())
          .maxInFlight(settings.limitConcurrency())
          .requestHeadTimeout(settings.readTimeout())
          .bodyReadTimeout(settings.readTimeout())
          .keepAliveTimeout(settings.readTimeout())
          .h2c(true) // HTTP/2 without TLS on the same port: prior knowledge or Upgrade: h2c
          .streamWindowSize(settings.h2StreamWindow())
          .compression(settings.compression() ? Compression.on() : Compression.off());
      // TLS_PORT: HTTPS there, HTTP/2 or HTTP/1.1 by ALPN (Tls offers h2 by default).
      settings.tls().ifPresent(tls -> config.tls(tls).tlsPort(settings.tlsPort()));
      server = Server.start(app, config.build());
    } catch (RuntimeException e) {
      // A failed start (port taken, startup hook failed, bad setting) is one clear line and exit 1.
      System.err.println("lanes demo: " + e.getMessage());
      tasks.close();
      app.close();
      metrics.close();
      executor.shutdownNow();
      System.exit(1);
      return;
    }
    // SIGTERM/SIGINT stop the server gracefully (ServerConfig.stopOnSignal); then this returns.
    try (server) {
      server.awaitClose();
    } finally {
      tasks.close();
      app.close();
      metrics.close();
      executor.shutdownNow();
    }
  }

  /** {@code examples.jar worker}: runs the demo's tasks from the shared store until SIGTERM. */
  private static void runWorker(DemoSettings settings, TaskSettings taskSettings) throws InterruptedException {
    if (taskSettings.database().isEmpty()) {
      System.err.println("lanes worker: set TASKS_DB to the store the web process uses "
          + "(jdbc:postgresql://127.0.0.1:5432/test); an in-memory store has no other process to serve");
      System.exit(1);
      return;
    }
    WorkerProcess worker;
    try {
      worker = WorkerProcess.start(settings, taskSettings);
    } catch (RuntimeException e) {
      System.err.println("lanes worker: " + e.getMessage());
      System.exit(1);
      return;
    }
    worker.stopOnSignal();
    System.out.println("lanes worker: running tasks " + worker.tasks().types().keySet() + ", " + taskSettings.concurrency()
        + " at once, from " + taskSettings.database().get()
        + worker.httpPort().stream().mapToObj(p -> "; /metrics and /_lanes on port " + p).findFirst().orElse(""));
    worker.awaitClose();
  }
}

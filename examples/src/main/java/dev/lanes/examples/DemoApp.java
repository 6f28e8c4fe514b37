package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The demo app: seed 000's FastAPI app on Lanes plus one recipe per capability, each recipe a
 * file named for what it shows ({@link BlockingAndAsyncRoutes}, {@link HelloRoutes},
 * {@link BackgroundWork}, {@link StreamingRoutes}, {@link FilesAndUploads},
 * {@link TimeoutsAndDeadlines}, {@link CpuRoutes}, {@link ObservabilityRoutes}).
 *
 * <pre>{@code bin/demo    # or: SLEEP=0.5 java -jar examples/target/examples.jar}</pre>
 *
 * <p>Settings come from the environment: see {@link DemoSettings}.
 */
public final class DemoApp {
  private DemoApp() {}

  /** Every recipe on one builder; {@code executor} backs {@code /test/sync_async} (the seed's own executor). */
  static App.Builder recipes(DemoSettings settings, ExecutorService executor, BackgroundLog backgroundLog,
      DemoMetrics metrics) {
    App.Builder app = App.builder();
    BlockingAndAsyncRoutes.addTo(app, settings.sleep(), executor);
    HelloRoutes.addTo(app);
    BackgroundWork.addTo(app, settings.backgroundSleep(), backgroundLog);
    StreamingRoutes.addTo(app);
    FilesAndUploads.addTo(app, settings.staticDir());
    TimeoutsAndDeadlines.addTo(app);
    CpuRoutes.addTo(app, settings.cpuLane());
    return ObservabilityRoutes.addTo(app, metrics);
  }

  public static void main(String[] args) throws InterruptedException {
    DemoSettings settings;
    try {
      settings = DemoSettings.fromEnv();
    } catch (IllegalArgumentException e) {
      System.err.println("lanes demo: " + e.getMessage());
      System.exit(1);
      return;
    }
    ExecutorService executor = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("demo-executor-", 0).factory());
    DemoMetrics metrics = DemoMetrics.of(settings);
    App app = recipes(settings, executor, new BackgroundLog(), metrics).build();
    metrics.start(app);
    Server server;
    try {
      server = Server.start(app, ServerConfig.builder()
          .host(settings.host())
          .port(settings.port())
          .maxInFlight(settings.limitConcurrency())
          .requestHeadTimeout(settings.readTimeout())
          .bodyReadTimeout(settings.readTimeout())
          .keepAliveTimeout(settings.readTimeout())
          .h2c(true) // HTTP/2 without TLS on the same port: prior knowledge or Upgrade: h2c
          .build());
    } catch (RuntimeException e) {
      // A failed start (port taken, startup hook failed, bad setting) is one clear line and exit 1.
      System.err.println("lanes demo: " + e.getMessage());
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
      app.close();
      metrics.close();
      executor.shutdownNow();
    }
  }
}

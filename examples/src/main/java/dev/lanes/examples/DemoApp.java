package dev.lanes.examples;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.lanes.App;
import dev.lanes.concurrency.Concurrency;
import dev.lanes.concurrency.LaneStatistics;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.routing.RouteOptions;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.files.StaticFiles;
import dev.lanes.observe.LanesDashboard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The seed's FastAPI app (seeds/000) on Lanes, with default settings:
 * {@code java -jar examples/target/examples.jar}; {@code PORT} (default 8000), {@code HOST}
 * (default 127.0.0.1), {@code SLEEP} seconds (default 3, fractions allowed),
 * {@code LIMIT_CONCURRENCY} requests in flight server-wide before 503 (default 0: no limit),
 * {@code READ_TIMEOUT} seconds for the request-head, body-read and keep-alive timeouts (default 30).
 */
public final class DemoApp {
  private static final Response NULL = Response.json(NullNode.instance);

  private DemoApp() {}

  /** Settings read from the environment. */
  public record Settings(Duration sleep, Duration backgroundSleep, Optional<Path> staticDir) {
    static Settings fromEnv() {
      Path dir = Path.of(env("STATIC_DIR", "examples/static"));
      return new Settings(seconds(env("SLEEP", "3")), seconds(env("BG_SLEEP", "10")),
          Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty());
    }
  }

  /** The seed-000 routes with the given sleep, and the rest with defaults. */
  public static App build(Duration sleep, ExecutorService executor) {
    return build(new Settings(sleep, Duration.ofSeconds(10), Optional.empty()), executor, new BackgroundLog());
  }

  /** The demo's routes; {@code executor} backs {@code /test/sync_async} (the seed's own executor). */
  public static App build(Settings settings, ExecutorService executor, BackgroundLog backgroundLog) {
    return routes(settings, executor, backgroundLog).build();
  }

  /** The demo's routes, not yet built (so instrumentation can be added first). */
  public static App.Builder routes(Settings settings, ExecutorService executor, BackgroundLog backgroundLog) {
    Duration sleep = settings.sleep();
    App.Builder app = App.builder();
    settings.staticDir().ifPresent(dir -> StaticFiles.mount(app, "/static", dir, Optional.of("index.html")));
    IssueThreeRoutes.register(app, settings.backgroundSleep(), backgroundLog);
    LanesDashboard.mount(app::getAsync, "/_lanes");
    return app
        // def test_sync(): time.sleep(3) -> a blocking handler, run in the "endpoints" lane.
        .get("/test/sync", req -> {
          Thread.sleep(sleep);
          return NULL;
        })
        // async def test_async(): await asyncio.sleep(3) -> an async handler on the event loop.
        .getAsync("/test/async", req -> Concurrency.sleep(sleep).thenApply(v -> NULL))
        // Seed 003's "bad async code": blocking inside an async handler stalls its event loop.
        // The watchdog reports it (route, stack) and counts it in lanes_eventloop_blocked_total.
        .getAsync("/test/bad_async", req -> {
          Thread.sleep(300);
          return CompletableFuture.completedFuture(NULL);
        })
        // await loop.run_in_executor(executor, time.sleep, 3) -> an executor the app made.
        .getAsync("/test/sync_async", req -> Concurrency.runInExecutor(executor, () -> {
          Thread.sleep(sleep);
          return NULL;
        }))
        // await run_in_threadpool(time.sleep, 3) -> run-blocking on the default "blocking" lane.
        .getAsync("/test/sync_async_fastapi", req ->
            Concurrency.runBlocking(req.lanes().get(Lanes.BLOCKING), () -> {
              Thread.sleep(sleep);
              return NULL;
            }))
        .getAsync("/get_available_threads", req ->
            CompletableFuture.completedFuture(Response.json(lanesView(req.lanes()))))
        // The page the reliability corpora aim at: answers any common method, counting the body.
        .getAsync("/", req -> CompletableFuture.completedFuture(Response.text("Lanes demo")))
        .postAsync("/", req -> CompletableFuture.completedFuture(
            Response.text("received " + req.body().length + " bytes")))
        .putAsync("/", req -> CompletableFuture.completedFuture(
            Response.text("received " + req.body().length + " bytes")))
        // Blocking for ?ms=N milliseconds (default 1000): for timeout and cancellation tests.
        .get("/slow", req -> {
          Thread.sleep(Duration.ofMillis(req.query().getInt("ms", 1000)));
          return Response.text("slept");
        })
        // The same with a 1 s deadline: past it 504, and the sleeping thread is interrupted.
        .route("GET", "/slow/limited", RouteOptions.defaults().deadline(Duration.ofSeconds(1)), req -> {
          Thread.sleep(Duration.ofMillis(req.query().getInt("ms", 2000)));
          return Response.text("slept");
        })
        .getAsync("/plaintext", req -> CompletableFuture.completedFuture(Response.text("Hello, World!")))
        .getAsync("/json", req -> CompletableFuture.completedFuture(
            Response.json(Map.of("message", "Hello, World!"))));
  }

  private static Map<String, Object> lanesView(Lanes lanes) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (LaneStatistics s : lanes.statistics()) {
      Map<String, Object> lane = new LinkedHashMap<>();
      lane.put("capacity", s.capacity());
      lane.put("borrowed", s.borrowed());
      lane.put("available", s.available());
      lane.put("waiting", s.waiting());
      lane.put("executor", s.executorKind().name().toLowerCase(java.util.Locale.ROOT));
      out.put(s.name(), lane);
    }
    return out;
  }

  public static void main(String[] args) throws InterruptedException {
    ExecutorService executor = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("demo-executor-", 0).factory());
    DemoMetrics metrics = DemoMetrics.fromEnv();
    App app = metrics.register(routes(Settings.fromEnv(), executor, new BackgroundLog())).build();
    metrics.start(app);
    Duration readTimeout = Duration.ofSeconds(Long.parseLong(env("READ_TIMEOUT", "30")));
    Server server;
    try {
      server = Server.start(app, ServerConfig.builder()
          .host(env("HOST", "127.0.0.1"))
          .port(Integer.parseInt(env("PORT", "8000")))
          .maxInFlight(Integer.parseInt(env("LIMIT_CONCURRENCY", "0")))
          .requestHeadTimeout(readTimeout)
          .bodyReadTimeout(readTimeout)
          .keepAliveTimeout(readTimeout)
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
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("lanes-shutdown").unstarted(() -> {
      server.close();
      app.close();
      metrics.close();
      executor.shutdownNow();
    }));
    server.awaitClose();
  }

  private static Duration seconds(String value) {
    return Duration.ofNanos((long) (Double.parseDouble(value) * 1e9));
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}

package dev.lanes.examples;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.lanes.App;
import dev.lanes.concurrency.Concurrency;
import dev.lanes.concurrency.LaneStatistics;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Seed 000's FastAPI app: the same sleep written four ways, and where each one runs (see
 * {@code docs/lanes.md}).
 *
 * <ul>
 *   <li>{@code GET /test/sync}: a blocking handler, run in lane {@code endpoints}</li>
 *   <li>{@code GET /test/async}: an async timer on the event loop</li>
 *   <li>{@code GET /test/sync_async}: the blocking sleep on an executor the app made</li>
 *   <li>{@code GET /test/sync_async_fastapi}: the blocking sleep run-blocking on lane {@code blocking}</li>
 *   <li>{@code GET /get_available_threads}: every lane's capacity, borrowed, available, waiting</li>
 * </ul>
 *
 * <p>Each sleep route answers JSON {@code null}, as the seed's endpoints do.
 */
final class BlockingAndAsyncRoutes {
  private static final Response NULL = Response.json(NullNode.instance);

  private BlockingAndAsyncRoutes() {}

  /** Adds the routes; each sleeps {@code sleep}, and {@code executor} backs {@code /test/sync_async}. */
  static App.Builder addTo(App.Builder app, Duration sleep, ExecutorService executor) {
    return app
        // def test_sync(): time.sleep(3) -> a blocking handler, run in the "endpoints" lane.
        .get("/test/sync", req -> {
          Thread.sleep(sleep);
          return NULL;
        })
        // async def test_async(): await asyncio.sleep(3) -> an async handler on the event loop.
        .getAsync("/test/async", req -> Concurrency.sleep(sleep).thenApply(v -> NULL))
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
            CompletableFuture.completedFuture(Response.json(lanesView(req.lanes()))));
  }

  private static Map<String, Object> lanesView(Lanes lanes) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (LaneStatistics s : lanes.statistics()) {
      Map<String, Object> lane = new LinkedHashMap<>();
      lane.put("capacity", s.capacity());
      lane.put("borrowed", s.borrowed());
      lane.put("available", s.available());
      lane.put("waiting", s.waiting());
      lane.put("executor", s.executorKind().name().toLowerCase(Locale.ROOT));
      out.put(s.name(), lane);
    }
    return out;
  }
}

package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.background.BackgroundTasks;
import dev.lanes.http.Response;
import java.time.Duration;
import java.util.Map;

/**
 * Seed 004's scenario: each request queues a blocking background task, and the tasks must not
 * starve the endpoints. They run in lane {@code background}, which endpoints never wait on (see
 * {@code docs/responses.md}, "Background tasks").
 *
 * <ul>
 *   <li>{@code GET /background}: answers {@code {"queued":true}} at once; the task then sleeps</li>
 *   <li>{@code GET /background/starts}: when each task started (ms since the first) and the
 *       {@code background} lane's counters; {@code DELETE} clears the start log (204)</li>
 *   <li>{@code GET /ping}: {@code pong}, a blocking endpoint to time while the tasks run</li>
 * </ul>
 */
final class BackgroundWork {
  private BackgroundWork() {}

  /** Adds the routes; each background task sleeps {@code taskSleep} and records its start in {@code log}. */
  static App.Builder addTo(App.Builder app, Duration taskSleep, BackgroundLog log) {
    return app
        // The endpoint returns at once; the blocking task runs in the "background" lane.
        .get("/background", req -> Response.json(Map.of("queued", true)).withBackground(
            BackgroundTasks.create().add("sleep", () -> {
              log.started();
              Thread.sleep(taskSleep);
            })))
        .get("/background/starts", req -> {
          var lane = req.lanes().get("background").statistics();
          return Response.json(Map.of("startOffsetsMillis", log.startOffsetsMillis(),
              "lane", Map.of("capacity", lane.capacity(), "borrowed", lane.borrowed(),
                  "waiting", lane.waiting(), "completed", lane.completed(), "failed", lane.failed())));
        })
        .delete("/background/starts", req -> {
          log.clear();
          return Response.status(204);
        })
        .get("/ping", req -> Response.text("pong"));
  }
}

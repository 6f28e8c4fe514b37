package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.routing.RouteOptions;
import java.time.Duration;

/**
 * Slow blocking handlers, for timeout and cancellation tests (see {@code docs/timeouts.md},
 * "Deadlines and cancellation").
 *
 * <ul>
 *   <li>{@code GET /slow?ms=1000}: sleeps {@code ms} in lane {@code endpoints}, then {@code slept}</li>
 *   <li>{@code GET /slow/limited?ms=2000}: the same under a 1 s deadline: past it the client gets
 *       504 and the sleeping thread is interrupted</li>
 * </ul>
 */
final class TimeoutsAndDeadlines {
  private TimeoutsAndDeadlines() {}

  /** Adds the routes. */
  static App.Builder addTo(App.Builder app) {
    return app
        .get("/slow", req -> {
          Thread.sleep(Duration.ofMillis(req.query().getInt("ms", 1000)));
          return Response.text("slept");
        })
        .route("GET", "/slow/limited", RouteOptions.defaults().deadline(Duration.ofSeconds(1)), req -> {
          Thread.sleep(Duration.ofMillis(req.query().getInt("ms", 2000)));
          return Response.text("slept");
        });
  }
}

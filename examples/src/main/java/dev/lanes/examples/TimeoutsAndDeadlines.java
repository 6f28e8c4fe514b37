package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.http.HttpException;
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
 *
 * <p>{@code /slow} takes {@code ms} 0..60000, else 400: a sleep of days would hold a lane token
 * that long ({@code /slow/limited} has its deadline).
 */
final class TimeoutsAndDeadlines {
  /** The longest sleep asked for, in ms. */
  static final int MAX_MS = 60_000;

  private TimeoutsAndDeadlines() {}

  /** Adds the routes. */
  static App.Builder addTo(App.Builder app) {
    return app
        .get("/slow", req -> {
          Thread.sleep(Duration.ofMillis(sleepMs(req.query().getInt("ms", 1000))));
          return Response.text("slept");
        })
        .route("GET", "/slow/limited", RouteOptions.defaults().deadline(Duration.ofSeconds(1)), req -> {
          Thread.sleep(Duration.ofMillis(req.query().getInt("ms", 2000))); // its deadline bounds it
          return Response.text("slept");
        });
  }

  /** {@code ms} if it is 0..{@value #MAX_MS}; else 400, as {@code /cpu} bounds its own. */
  static int sleepMs(int ms) {
    if (ms < 0 || ms > MAX_MS) {
      throw new HttpException(400, "ms must be 0.." + MAX_MS + ": " + ms);
    }
    return ms;
  }
}

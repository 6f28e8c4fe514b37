package dev.lanes.routing;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One registered endpoint: method, path template, handler, and the lane a blocking handler runs
 * in (empty: the app's {@code endpoints} lane).
 *
 * @param method upper-case HTTP method
 * @param pattern the path template
 * @param handler the endpoint
 * @param lane the lane named for a blocking handler, if any
 */
public record Route(String method, PathPattern pattern, Handler handler, Optional<String> lane) {
  public Route {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(lane, "lane");
    method = method.toUpperCase(Locale.ROOT);
    if (!method.matches("[A-Z]+")) {
      throw new IllegalArgumentException("bad HTTP method: " + method);
    }
    if (lane.isPresent() && handler instanceof AsyncHandler) {
      throw new IllegalArgumentException(method + " " + pattern
          + ": an async handler runs on the event loop; only blocking handlers take a lane");
    }
  }

  /** Human-readable name used in logs and metrics: {@code GET /items/{id}}. */
  public String name() {
    return method + " " + pattern.template();
  }
}

package dev.lanes.internal.app;

import dev.lanes.routing.Middleware;
import dev.lanes.routing.Route;
import java.util.List;
import java.util.Objects;

/**
 * A route and the middleware of the parts ({@code Routes}) it was included through, outermost
 * first; none for a route added to the app itself. The app's own middleware goes around these.
 *
 * <pre>{@code new ScopedRoute(route, List.of(auth)) }</pre>
 */
public record ScopedRoute(Route route, List<Middleware> middleware) {
  public ScopedRoute {
    Objects.requireNonNull(route, "route");
    middleware = List.copyOf(middleware);
  }

  /** A route of the app itself: only the app's middleware wraps it. */
  public static ScopedRoute of(Route route) {
    return new ScopedRoute(route, List.of());
  }
}

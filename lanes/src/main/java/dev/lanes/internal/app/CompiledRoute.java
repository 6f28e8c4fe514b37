package dev.lanes.internal.app;

import dev.lanes.routing.Endpoint;
import dev.lanes.routing.Middleware;
import dev.lanes.routing.Route;
import java.util.List;

/**
 * A route as served: the route itself, its name computed once (for logs, traces and metrics),
 * its endpoint with everything around it already composed — the app's middleware, the middleware
 * of the {@code Routes} parts it was included through ({@code partMiddleware}, outermost first,
 * also put around the router's answer to another method on its path), error mapping, the route's
 * deadline and the hop to its lane.
 */
public record CompiledRoute(Route route, String name, Endpoint endpoint, List<Middleware> partMiddleware) {
  public CompiledRoute {
    partMiddleware = List.copyOf(partMiddleware);
  }
}

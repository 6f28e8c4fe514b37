package dev.lanes.internal.app;

import dev.lanes.routing.Endpoint;
import dev.lanes.routing.Route;

/**
 * A route as served: the route itself, its name computed once (for logs, traces and metrics),
 * and its endpoint with everything around it already composed — the app's middleware, error
 * mapping, the route's deadline and the hop to its lane.
 */
public record CompiledRoute(Route route, String name, Endpoint endpoint) {}

package dev.lanes.routing;

import java.util.Map;
import java.util.Set;

/** The outcome of routing one request, switched on exhaustively by the server. */
public sealed interface RouteMatch {
  /** A route fits; {@code params} are the raw path parameters. */
  record Found(Route route, Map<String, String> params) implements RouteMatch {}

  /** The path exists for other methods (405 with {@code Allow}). */
  record MethodNotAllowed(Set<String> allowed) implements RouteMatch {}

  /** No route has this path (404). */
  record NotFound() implements RouteMatch {}
}

package dev.lanes.internal.routing;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The outcome of routing one request, switched on exhaustively by the server. */
public sealed interface RouteMatch<T> {
  /** A route fits; {@code target} is what it was compiled into, {@code params} the raw path parameters. */
  record Found<T>(T target, Map<String, String> params) implements RouteMatch<T> {}

  /**
   * The path exists for other methods (405 with {@code Allow}); {@code fitting} is what the routes
   * whose path it is were compiled into, in the order the router tries them.
   */
  record MethodNotAllowed<T>(Set<String> allowed, List<T> fitting) implements RouteMatch<T> {}

  /** No route has this path (404). */
  record NotFound<T>() implements RouteMatch<T> {}
}

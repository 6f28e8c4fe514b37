package dev.lanes.internal.routing;

import dev.lanes.http.UrlPaths;
import dev.lanes.routing.Route;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * An app's routes by name ({@code RouteOptions.name}, {@code WebSocketOptions.name}), HTTP and
 * WebSocket routes in one table, built once with the app: a name given to two routes fails there,
 * naming both. Looking a name up is one hash lookup, then the route's
 * {@link dev.lanes.routing.PathPattern#path} fills in the parameters.
 *
 * <pre>{@code new RouteNames(routes, r -> false).pathFor("read_item", Map.of("id", 5))  // "/items/5"}</pre>
 */
public final class RouteNames implements UrlPaths {
  private final Map<String, Route> byName = new HashMap<>();
  private final Set<String> webSockets = new HashSet<>();

  /**
   * Indexes the named routes, those {@code webSocket} says are WebSocket routes marked so; a
   * duplicate name fails here, at startup.
   */
  public RouteNames(List<Route> routes, Predicate<Route> webSocket) {
    for (Route r : routes) {
      r.options().name().ifPresent(name -> {
        if (webSocket.test(r)) {
          webSockets.add(name);
        }
        Route previous = byName.putIfAbsent(name, r);
        if (previous != null) {
          throw new IllegalArgumentException("route name '" + name + "' given twice: " + previous.name() + " and "
              + r.name() + "; names must be unique in an app (include a part twice under a namespace:"
              + " include(prefix, namespace, part))");
        }
      });
    }
  }

  @Override
  public boolean isWebSocket(String name) {
    return webSockets.contains(name);
  }

  @Override
  public String pathFor(String name, Map<String, ?> params) {
    Objects.requireNonNull(params, "params");
    Route route = byName.get(Objects.requireNonNull(name, "name"));
    if (route == null) {
      throw new IllegalArgumentException("no route is named '" + name + "'; names: "
          + new TreeSet<>(byName.keySet()));
    }
    try {
      return route.pattern().path(params);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("route '" + name + "' (" + route.name() + "): " + e.getMessage(), e);
    }
  }
}

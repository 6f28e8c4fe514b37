package dev.lanes.internal.routing;

import dev.lanes.http.UrlPaths;
import dev.lanes.routing.Route;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * An app's routes by name ({@code RouteOptions.name}), built once with the app: a name given to two
 * routes fails there, naming both. Looking a name up is one hash lookup, then the route's
 * {@link dev.lanes.routing.PathPattern#path} fills in the parameters.
 *
 * <pre>{@code new RouteNames(routes).pathFor("read_item", Map.of("id", 5))  // "/items/5"}</pre>
 */
public final class RouteNames implements UrlPaths {
  private final Map<String, Route> byName = new HashMap<>();

  /** Indexes the named routes; a duplicate name fails here, at startup. */
  public RouteNames(List<Route> routes) {
    for (Route r : routes) {
      r.options().name().ifPresent(name -> {
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

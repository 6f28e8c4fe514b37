package dev.lanes.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Finds the route for a method and path. Literal paths are found with one hash lookup; templates
 * are tried in registration order. {@code HEAD} falls back to {@code GET}; {@code OPTIONS} and
 * wrong methods see the set of allowed methods.
 */
public final class Router {
  private static final RouteMatch NOT_FOUND = new RouteMatch.NotFound();

  private final Map<String, Map<String, Route>> literal = new HashMap<>();
  // Literal routes always match with no parameters: build their outcome once, not per request.
  private final Map<Route, RouteMatch.Found> literalFound = new IdentityHashMap<>();
  private final List<Map.Entry<PathPattern, Map<String, Route>>> templated = new ArrayList<>();
  private final List<Route> routes;

  /** Builds the table; a duplicate method and path fails here, at startup. */
  public Router(List<Route> routes) {
    this.routes = List.copyOf(routes);
    Map<String, Map<String, Route>> byTemplate = new LinkedHashMap<>();
    Map<String, PathPattern> patterns = new HashMap<>();
    for (Route r : routes) {
      String t = r.pattern().template();
      patterns.putIfAbsent(t, r.pattern());
      Route previous = byTemplate.computeIfAbsent(t, k -> new LinkedHashMap<>()).put(r.method(), r);
      if (previous != null) {
        throw new IllegalArgumentException("route registered twice: " + r.name());
      }
    }
    byTemplate.forEach((t, methods) -> {
      PathPattern p = patterns.get(t);
      if (p.isLiteral()) {
        literal.put(t, methods);
        methods.values().forEach(r -> literalFound.put(r, new RouteMatch.Found(r, Map.of())));
      } else {
        templated.add(Map.entry(p, methods));
      }
    });
  }

  public List<Route> routes() {
    return routes;
  }

  /** Routes {@code method} and {@code path} (already percent-decoded). */
  public RouteMatch match(String method, String path) {
    Map<String, Route> methods = literal.get(path);
    if (methods != null) {
      Route r = methods.get(method);
      return r != null ? literalFound.get(r) : pick(methods, method, Map.of());
    }
    for (Map.Entry<PathPattern, Map<String, Route>> e : templated) {
      Optional<Map<String, String>> params = e.getKey().match(path);
      if (params.isPresent()) {
        return pick(e.getValue(), method, params.get());
      }
    }
    return NOT_FOUND;
  }

  private static RouteMatch pick(Map<String, Route> methods, String method, Map<String, String> params) {
    Route r = methods.get(method);
    if (r == null && method.equals("HEAD")) {
      r = methods.get("GET");
    }
    if (r != null) {
      return new RouteMatch.Found(r, params);
    }
    TreeSet<String> allowed = new TreeSet<>(methods.keySet());
    if (allowed.contains("GET")) {
      allowed.add("HEAD");
    }
    allowed.add("OPTIONS");
    return new RouteMatch.MethodNotAllowed(allowed);
  }
}

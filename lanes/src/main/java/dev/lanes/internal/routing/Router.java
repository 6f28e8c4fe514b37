package dev.lanes.internal.routing;

import dev.lanes.http.HttpException;
import dev.lanes.routing.PathPattern;
import dev.lanes.routing.Route;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Finds the route for a method and path. A literal path is found with one hash lookup first, so no
 * template ever shadows a literal route; other requests try the template routes in registration
 * order, and the first whose method and path fit wins ({@code HEAD} falls back to {@code GET} unless
 * that template has its own {@code HEAD} route). A path that only routes of other methods fit gets
 * 405 with every method it allows ({@code OPTIONS} too) and those routes; one that fits a template but for a typed
 * parameter's shape gets 400 naming the parameter (see {@link PathPattern}); any other 404.
 *
 * <p>A table with a route no request can reach fails when built: the same method and template twice,
 * or a template route whose every path an earlier route takes first for the same method (a
 * {@code GET} route also for a later {@code HEAD} one) — {@code /items/{slug}} then
 * {@code /items/{id:long}}, or {@code /a/{x}} then {@code /a/{y}}. Register the more specific first.
 *
 * <p>It routes to whatever the app compiled each route into ({@code T}), so the server needs no
 * second table beside this one.
 *
 * <pre>{@code Router<CompiledRoute> router = new Router<>(compiled, CompiledRoute::route); }</pre>
 *
 * @param <T> what a route was compiled into
 */
public final class Router<T> {
  /** A template route; {@code servesHead}: a GET route whose template has no HEAD route of its own. */
  private record Candidate<T>(Route route, T target, boolean servesHead) {
    boolean serves(String method) {
      return route.method().equals(method) || servesHead && method.equals("HEAD");
    }
  }

  /**
   * A literal path's outcomes by method (HEAD included where it falls back to GET). A path has a
   * few methods at most, so a scan, which finds the decoder's interned method names by identity,
   * is cheaper than a second hash lookup.
   */
  private record LiteralMethods<T>(String[] methods, List<RouteMatch.Found<T>> found) {
    RouteMatch.Found<T> get(String method) {
      for (int i = 0; i < methods.length; i++) {
        String m = methods[i];
        if (m == method || m.equals(method)) {
          return found.get(i);
        }
      }
      return null;
    }
  }

  private final Map<String, Map<String, T>> literal = new HashMap<>();
  // Literal routes always match with no parameters: their outcome is built once, not per request,
  // and found by path then method.
  private final Map<String, LiteralMethods<T>> literalFound = new HashMap<>();
  private final List<Candidate<T>> templated = new ArrayList<>();
  private final List<T> targets;

  /** Builds the table; a duplicate or unreachable route fails here, at startup. */
  public Router(List<T> targets, Function<T, Route> routeOf) {
    this.targets = List.copyOf(targets);
    Map<String, Map<String, T>> byTemplate = new LinkedHashMap<>();
    for (T t : targets) {
      Route r = routeOf.apply(t);
      T previous = byTemplate.computeIfAbsent(r.pattern().template(), k -> new LinkedHashMap<>())
          .put(r.method(), t);
      if (previous != null) {
        throw new IllegalArgumentException("route registered twice: " + r.name());
      }
    }
    Map<String, Map<String, RouteMatch.Found<T>>> foundByPath = new LinkedHashMap<>();
    for (T t : targets) {
      Route r = routeOf.apply(t);
      Map<String, T> methods = byTemplate.get(r.pattern().template());
      if (r.pattern().isLiteral()) {
        literal.put(r.pattern().template(), methods);
        Map<String, RouteMatch.Found<T>> found =
            foundByPath.computeIfAbsent(r.pattern().template(), k -> new LinkedHashMap<>());
        found.put(r.method(), new RouteMatch.Found<>(t, Map.of()));
        if (r.method().equals("GET") && !methods.containsKey("HEAD")) {
          found.put("HEAD", found.get("GET"));
        }
      } else {
        boolean servesHead = r.method().equals("GET") && !methods.containsKey("HEAD");
        templated.add(new Candidate<>(r, t, servesHead));
      }
    }
    foundByPath.forEach((path, found) -> literalFound.put(path,
        new LiteralMethods<>(found.keySet().toArray(String[]::new), List.copyOf(found.values()))));
    rejectUnreachable(templated);
  }

  /** What the routes were compiled into, in registration order. */
  public List<T> targets() {
    return targets;
  }

  /**
   * Routes {@code method} and {@code path} (already percent-decoded).
   *
   * @throws HttpException 400 naming a path parameter of the wrong shape or out of range
   */
  public RouteMatch<T> match(String method, String path) {
    LiteralMethods<T> found = literalFound.get(path);
    if (found != null) {
      RouteMatch.Found<T> f = found.get(method);
      if (f != null) {
        return f;
      }
    }
    for (Candidate<T> c : templated) {
      if (c.serves(method)) {
        Optional<Map<String, String>> params = c.route().pattern().match(path);
        if (params.isPresent()) {
          return new RouteMatch.Found<>(c.target(), params.get());
        }
      }
    }
    return miss(found == null ? null : literal.get(path), path);
  }

  /**
   * No route takes the request: 405 if the path fits other methods (with the routes it fits), 400
   * if mistyped, else 404.
   */
  private RouteMatch<T> miss(Map<String, T> literalMethods, String path) {
    TreeSet<String> allowed = new TreeSet<>();
    List<T> fitting = new ArrayList<>();
    if (literalMethods != null) {
      allowed.addAll(literalMethods.keySet());
      fitting.addAll(literalMethods.values());
    }
    for (Candidate<T> c : templated) {
      if (c.route().pattern().fits(path)) {
        allowed.add(c.route().method());
        fitting.add(c.target());
      }
    }
    if (!allowed.isEmpty()) {
      if (allowed.contains("GET")) {
        allowed.add("HEAD");
      }
      allowed.add("OPTIONS");
      return new RouteMatch.MethodNotAllowed<>(allowed, fitting);
    }
    for (Candidate<T> c : templated) {
      Optional<HttpException> mismatch = c.route().pattern().typeMismatch(path);
      if (mismatch.isPresent()) {
        throw mismatch.get();
      }
    }
    return new RouteMatch.NotFound<>();
  }

  private static <T> void rejectUnreachable(List<Candidate<T>> templated) {
    for (int j = 1; j < templated.size(); j++) {
      Candidate<T> later = templated.get(j);
      for (int i = 0; i < j; i++) {
        Candidate<T> earlier = templated.get(i);
        boolean viaHead = later.route().method().equals("HEAD") && earlier.servesHead();
        if ((viaHead || earlier.route().method().equals(later.route().method()))
            && earlier.route().pattern().covers(later.route().pattern())) {
          throw new IllegalArgumentException(later.route().name() + " is unreachable: "
              + earlier.route().name() + " (registered earlier" + (viaHead ? "; HEAD falls back to GET" : "")
              + ") matches every path it matches; "
              + (later.route().pattern().covers(earlier.route().pattern())
                  ? "both match the same paths, so keep one"
                  : "register the more specific route first"));
        }
      }
    }
  }
}

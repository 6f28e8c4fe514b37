package dev.lanes;

import dev.lanes.internal.app.ScopedRoute;
import dev.lanes.internal.websocket.WebSocketEndpoint;
import dev.lanes.routing.AsyncHandler;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.Handler;
import dev.lanes.routing.Middleware;
import dev.lanes.routing.PathPattern;
import dev.lanes.routing.Route;
import dev.lanes.routing.RouteOptions;
import dev.lanes.websocket.AsyncWebSocketHandler;
import dev.lanes.websocket.BlockingWebSocketHandler;
import dev.lanes.websocket.WebSocketOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A part of an app: routes (and WebSocket routes) with their own middleware, included into an app
 * or into another part under a path prefix — FastAPI's {@code APIRouter} with
 * {@code include_router(router, prefix=...)}, Starlette's {@code Mount(prefix, routes=...,
 * middleware=...)}. A route's path is the prefixes, outermost first, followed by its own:
 * {@code "/items"} then {@code "/{id}"} is {@code /items/{id}}, {@code "/"} is {@code /items/} and
 * {@code ""} is {@code /items} itself. Its middleware wraps only its routes, inside the app's
 * middleware and the middleware of the parts around it.
 *
 * <p>{@link #include} takes the part as it is then; the same part may be included more than once
 * ({@code /v1} and {@code /v2}). Exception handlers, lanes and lifespan hooks belong to the app:
 * a part has none of its own. Every mistake fails as it would for the app's own routes: a bad path
 * or prefix at once, a duplicate or shadowed route or an unknown lane at {@link App.Builder#build}.
 *
 * <pre>{@code
 * Routes items = Routes.create()
 *     .middleware(requireApiKey)
 *     .get("", req -> Response.json(list()))
 *     .get("/{id:long}", req -> Response.json(find(req.pathParams().getLong("id"))));
 * App app = App.builder().include("/items", items).build();
 * }</pre>
 */
public final class Routes {
  /** What a part holds: its routes and the parts included in it, in the order added. */
  private sealed interface Member permits Entry, Part {}

  /** A route of this part, made once its whole path is known (a WebSocket route's name says it). */
  private record Entry(String path, Function<String, Route> at) implements Member {}

  /** A part included here, as it was when included; {@code namespace} {@code ""}: none. */
  private record Part(String prefix, String namespace, List<Middleware> middleware, List<Member> members)
      implements Member {}

  private final List<Member> members = new ArrayList<>();
  private final List<Middleware> middleware = new ArrayList<>();

  private Routes() {}

  /** An empty part. */
  public static Routes create() {
    return new Routes();
  }

  /** A blocking GET handler, run in the {@code endpoints} lane. */
  public Routes get(String path, BlockingHandler h) {
    return route("GET", path, h);
  }

  public Routes post(String path, BlockingHandler h) {
    return route("POST", path, h);
  }

  public Routes put(String path, BlockingHandler h) {
    return route("PUT", path, h);
  }

  public Routes patch(String path, BlockingHandler h) {
    return route("PATCH", path, h);
  }

  public Routes delete(String path, BlockingHandler h) {
    return route("DELETE", path, h);
  }

  /** An async GET handler, run on the event loop. */
  public Routes getAsync(String path, AsyncHandler h) {
    return route("GET", path, h);
  }

  public Routes postAsync(String path, AsyncHandler h) {
    return route("POST", path, h);
  }

  public Routes putAsync(String path, AsyncHandler h) {
    return route("PUT", path, h);
  }

  public Routes patchAsync(String path, AsyncHandler h) {
    return route("PATCH", path, h);
  }

  public Routes deleteAsync(String path, AsyncHandler h) {
    return route("DELETE", path, h);
  }

  /** Any method; where it runs follows from the handler's type. */
  public Routes route(String method, String path, Handler h) {
    return route(method, path, RouteOptions.defaults(), h);
  }

  /** A blocking handler for any method. */
  public Routes route(String method, String path, BlockingHandler h) {
    return route(method, path, (Handler) h);
  }

  /** An async handler for any method. */
  public Routes routeAsync(String method, String path, AsyncHandler h) {
    return route(method, path, h);
  }

  /** A blocking handler run in the named lane (the app must have it) instead of {@code endpoints}. */
  public Routes route(String method, String path, String lane, BlockingHandler h) {
    return route(method, path, RouteOptions.defaults().lane(lane), h);
  }

  /**
   * Any method, with options (lane, deadline, compression), as
   * {@link App.Builder#route(String, String, RouteOptions, Handler)}.
   */
  public Routes route(String method, String path, RouteOptions options, Handler h) {
    Objects.requireNonNull(h, "handler");
    Objects.requireNonNull(options, "options");
    return add(path, full -> new Route(method, PathPattern.parse(full), h, options));
  }

  /** A blocking handler with options. */
  public Routes route(String method, String path, RouteOptions options, BlockingHandler h) {
    return route(method, path, options, (Handler) h);
  }

  /** An async handler with options (a deadline; async handlers take no lane). */
  public Routes routeAsync(String method, String path, RouteOptions options, AsyncHandler h) {
    return route(method, path, options, (Handler) h);
  }

  /** A blocking WebSocket route, as {@link App.Builder#websocket(String, BlockingWebSocketHandler)}. */
  public Routes websocket(String path, BlockingWebSocketHandler h) {
    return websocket(path, WebSocketOptions.defaults(), h);
  }

  /** A blocking WebSocket route with options: its lane, size limits, ping and send timeouts. */
  public Routes websocket(String path, WebSocketOptions options, BlockingWebSocketHandler h) {
    Objects.requireNonNull(h, "handler");
    Objects.requireNonNull(options, "options");
    return add(path, full -> new Route("GET", PathPattern.parse(full),
        WebSocketEndpoint.blocking("GET " + full, options, h), webSocketRouteOptions(options)));
  }

  /** An async WebSocket route, as {@link App.Builder#websocketAsync(String, AsyncWebSocketHandler)}. */
  public Routes websocketAsync(String path, AsyncWebSocketHandler h) {
    return websocketAsync(path, WebSocketOptions.defaults(), h);
  }

  /** An async WebSocket route with options (its lane is not used: callbacks run on the loop). */
  public Routes websocketAsync(String path, WebSocketOptions options, AsyncWebSocketHandler h) {
    Objects.requireNonNull(h, "handler");
    Objects.requireNonNull(options, "options");
    return add(path, full -> new Route("GET", PathPattern.parse(full),
        WebSocketEndpoint.async("GET " + full, options, h), webSocketRouteOptions(options)));
  }

  /** The route options of a WebSocket route: its name, if it has one; the rest is its endpoint's. */
  static RouteOptions webSocketRouteOptions(WebSocketOptions options) {
    return options.name().map(RouteOptions.defaults()::name).orElse(RouteOptions.defaults());
  }

  /**
   * Wraps this part's routes (those of the parts included in it too), inside the app's middleware
   * and the middleware of the parts around this one; the first added is the outermost. It also
   * sees another method on its routes' paths (the 405, the automatic {@code OPTIONS} answer, so a
   * CORS preflight), unless routes of another part serve that path too: then only the middleware
   * both are inside does. It does not see requests for other paths (404, slash redirects, a
   * mistyped parameter's 400): only the app's middleware does.
   */
  public Routes middleware(Middleware m) {
    middleware.add(Objects.requireNonNull(m, "middleware"));
    return this;
  }

  /**
   * Includes {@code part}'s routes, as they are now, under {@code prefix}: {@code ""} (none) or a
   * path starting with {@code /} and not ending with one, which may hold parameters but not a
   * {@code {name:path}} one.
   *
   * <pre>{@code api.include("/users/{userId:long}", userRoutes)}</pre>
   */
  public Routes include(String prefix, Routes part) {
    return include(prefix, "", part);
  }

  /**
   * Includes {@code part} under {@code prefix} as {@link #include(String, Routes)}, its routes' names
   * under {@code namespace} (Starlette's {@code Mount(name=...)}): a route named {@code read_item}
   * is {@code "api:read_item"}, so the same part can be included twice with its names apart.
   *
   * <pre>{@code app.include("/v1", "v1", items)  // app.urlPathFor("v1:read_item", Map.of("id", 5))}</pre>
   */
  public Routes include(String prefix, String namespace, Routes part) {
    members.add(new Part(checkedPrefix(prefix), checkedNamespace(namespace), List.copyOf(part.middleware),
        List.copyOf(part.members)));
    return this;
  }

  /**
   * Adds each route under {@code prefix} to {@code out}, with {@code outer} middleware then this part's,
   * its name under {@code namespace} ({@code ""}: none).
   */
  void addTo(String prefix, String namespace, List<Middleware> outer, Consumer<ScopedRoute> out) {
    addTo(new Part(checkedPrefix(prefix), checkedNamespace(namespace), List.copyOf(middleware),
        List.copyOf(members)), "", "", outer, out);
  }

  private static void addTo(Part part, String base, String outerNames, List<Middleware> outer,
      Consumer<ScopedRoute> out) {
    String prefix = base + part.prefix();
    String names = part.namespace().isEmpty() ? outerNames : outerNames + part.namespace() + ":";
    List<Middleware> layers = new ArrayList<>(outer);
    layers.addAll(part.middleware());
    for (Member member : part.members()) {
      switch (member) {
        case Part inner -> addTo(inner, prefix, names, layers, out);
        case Entry e -> out.accept(new ScopedRoute(named(e.at().apply(joined(prefix, e.path())), names), layers));
      }
    }
  }

  /** {@code route} with its name, if it has one, under {@code names} ({@code "outer:inner:"}). */
  private static Route named(Route route, String names) {
    if (names.isEmpty() || route.options().name().isEmpty()) {
      return route;
    }
    return new Route(route.method(), route.pattern(), route.handler(),
        route.options().name(names + route.options().name().get()));
  }

  /** A namespace is {@code ""} (none) or a name without {@code ':'}, which separates namespaces. */
  private static String checkedNamespace(String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    if (namespace.contains(":") || !namespace.isEmpty() && namespace.isBlank()) {
      throw new IllegalArgumentException("namespace '" + namespace + "' must not be blank or hold ':'");
    }
    return namespace;
  }

  /** FastAPI's {@code prefix + path}: a path of {@code ""} is the prefix itself. */
  private static String joined(String prefix, String path) {
    if (prefix.isEmpty() && path.isEmpty()) {
      throw new IllegalArgumentException("a route with the path \"\" (its part's prefix itself) was included"
          + " under no prefix: its path must start with '/'");
    }
    String full = prefix + path;
    try {
      PathPattern.parse(full);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("route path '" + path + "' under prefix '" + prefix + "': " + e.getMessage(),
          e);
    }
    return full;
  }

  private Routes add(String path, Function<String, Route> at) {
    Objects.requireNonNull(path, "path");
    if (!path.isEmpty() && !path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/' (or be \"\" for the prefix itself): " + path);
    }
    // Checked now, as App.Builder checks its routes: a bad template or method fails where it is written.
    at.apply(path.isEmpty() ? "/" : path);
    members.add(new Entry(path, at));
    return this;
  }

  /** FastAPI's rules for a prefix: empty, or starting with '/' and not ending with one. */
  private static String checkedPrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty()) {
      return prefix;
    }
    if (!prefix.startsWith("/")) {
      throw new IllegalArgumentException("prefix '" + prefix + "' must start with '/'");
    }
    if (prefix.endsWith("/")) {
      throw new IllegalArgumentException("prefix '" + prefix + "' must not end with '/' (route paths start with"
          + " one; use \"\" for none)");
    }
    if (prefix.contains("?") || prefix.contains("#")) {
      throw new IllegalArgumentException("prefix '" + prefix + "' must be a path, without '?' or '#'");
    }
    try {
      PathPattern.parse(prefix);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("prefix '" + prefix + "': " + e.getMessage(), e);
    }
    if (prefix.contains(":path}")) {
      throw new IllegalArgumentException("prefix '" + prefix + "': a {name:path} parameter must end the path, so it"
          + " cannot be in a prefix");
    }
    return prefix;
  }
}

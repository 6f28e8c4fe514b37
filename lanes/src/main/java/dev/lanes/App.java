package dev.lanes;

import dev.lanes.background.BackgroundRunner;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.HttpException;
import dev.lanes.http.JsonCodec;
import dev.lanes.http.Response;
import dev.lanes.http.UrlPaths;
import dev.lanes.internal.app.AppAccess;
import dev.lanes.internal.app.CompiledApp;
import dev.lanes.internal.app.ErrorMapper;
import dev.lanes.internal.app.ScopedRoute;
import dev.lanes.internal.http.RootPathValue;
import dev.lanes.internal.websocket.WebSocketEndpoint;
import dev.lanes.lifespan.AppState;
import dev.lanes.lifespan.Lifespan;
import dev.lanes.lifespan.LifespanHook;
import dev.lanes.observe.LanesListener;
import dev.lanes.internal.observe.Instruments;
import dev.lanes.observe.Observability;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * An application: routes, the lanes its blocking work runs in, and how errors become responses.
 * Built once; every mistake in it (duplicate route, unknown lane) fails at {@link Builder#build}.
 * Parts of it may be built apart, as {@link Routes}, and included under a prefix
 * ({@link Builder#include}).
 *
 * <pre>{@code
 * App app = App.builder()
 *     .get("/sync", req -> { Thread.sleep(1000); return Response.text("slept"); })
 *     .getAsync("/async", req -> Concurrency.sleep(Duration.ofSeconds(1)).thenApply(v -> Response.text("slept")))
 *     .build();
 * }</pre>
 */
public final class App implements AutoCloseable {
  static {
    AppAccess.register(app -> app.compiled);
  }

  private final CompiledApp compiled;
  private final AppState state;

  private App(Builder b) {
    Instruments observability = Instruments.of(b.listeners, b.blockedLoopThreshold);
    LanesListener listener = observability.listener();
    // Only a real listener goes to the lanes: without one they keep their event-free path.
    Lanes lanes = (listener == LanesListener.NONE ? b.lanes : b.lanes.listener(listener)).build();
    try {
      for (ScopedRoute scoped : b.routes) {
        Route r = scoped.route();
        if (r.handler() instanceof WebSocketEndpoint ws) {
          ws.lane().filter(name -> lanes.find(name).isEmpty()).ifPresent(name -> {
            throw new IllegalArgumentException(r.name() + " names unknown lane '" + name + "'; lanes: "
                + lanes.all().stream().map(Lane::name).toList());
          });
        }
      }
      this.compiled = new CompiledApp(b.routes, b.middleware, new ErrorMapper(b.exceptionHandlers), b.json, lanes,
          new BackgroundRunner(lanes, observability.listener()), observability,
          new Lifespan(b.state, b.startup, b.shutdown), b.redirectSlashes, b.rootPath,
          r -> r.handler() instanceof WebSocketEndpoint);
    } catch (RuntimeException e) {
      lanes.close(); // a mistake in the app: nothing it started may outlive the failed build
      throw e;
    }
    this.state = b.state;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The app's lanes: statistics, resizing. */
  public Lanes lanes() {
    return compiled.lanes();
  }

  /** Runs the background tasks of sent responses; its statistics count them. */
  public BackgroundRunner background() {
    return compiled.background();
  }

  /** The routes, in registration order. */
  public List<Route> routes() {
    return compiled.routes();
  }

  /**
   * The path of the route named {@code name} ({@code RouteOptions.name}, a WebSocket route's
   * {@code WebSocketOptions.name}, a typed handler's method name or {@code @Operation(operationId)},
   * {@code "namespace:name"} in a part included with one)
   * with {@code params} in its parameters, each checked for its segment's type and percent-encoded
   * (Starlette's {@code app.url_path_for}). The path within the app, without its
   * {@link #rootPath()}, as Starlette's; a handler builds the absolute URL, root path included, with
   * {@link dev.lanes.http.Request#urlFor}. See {@code docs/routing.md}.
   *
   * <pre>{@code app.urlPathFor("read_item", Map.of("id", 5))  // "/items/5"}</pre>
   *
   * @throws IllegalArgumentException if no route has the name, or a parameter is missing, extra or
   *     does not fit its segment's type (Starlette's {@code NoMatchFound})
   */
  public String urlPathFor(String name, Map<String, ?> params) {
    return compiled.names().pathFor(name, params);
  }

  /** {@link #urlPathFor(String, Map)} for a route without parameters. */
  public String urlPathFor(String name) {
    return urlPathFor(name, Map.of());
  }

  /**
   * The app's route names, what it gives each request: paths as {@link #urlPathFor}, and which
   * names are WebSocket routes ({@code ws://} URLs). For a request built by hand, in a handler test.
   *
   * <pre>{@code Request.builder("GET", "/").urlPaths(app.urlPaths()).host("example.com").build()}</pre>
   */
  public UrlPaths urlPaths() {
    return compiled.names();
  }

  /** The path prefix the app is served under behind a proxy ({@link Builder#rootPath}); {@code ""}: none. */
  public String rootPath() {
    return compiled.rootPath();
  }

  /** How this app's requests and responses read and write JSON. */
  public JsonCodec json() {
    return compiled.json();
  }

  /** The app's listeners and blocked-loop watchdog (see {@code docs/observability.md}). */
  public Observability observability() {
    return compiled.instruments();
  }

  /** The app's typed state, as filled by its startup hooks. */
  public AppState state() {
    return state;
  }

  /**
   * The app's startup and shutdown hooks. {@code Server.start} runs them; a process that serves
   * no HTTP (a task worker) runs them itself: {@code app.lifespan().start()} ... {@code stop()}.
   */
  public Lifespan lifespan() {
    return compiled.lifespan();
  }

  /** Shorthand for {@code state().get(type)}. */
  public <T> T state(Class<T> type) {
    return state.get(type);
  }

  /** Shuts the app's lanes down; a closed app cannot be served again ({@code Server.start} refuses it). */
  @Override
  public void close() {
    compiled.close();
  }

  /** Collects routes, lanes, middleware and exception handlers. */
  public static final class Builder {
    private final List<ScopedRoute> routes = new ArrayList<>();
    private final List<Middleware> middleware = new ArrayList<>();
    private final AppState state = AppState.create();
    private final List<LifespanHook> startup = new ArrayList<>();
    private final List<LifespanHook> shutdown = new ArrayList<>();
    private final Map<Class<? extends Throwable>, Function<Throwable, Response>> exceptionHandlers =
        new LinkedHashMap<>();
    private Lanes.Builder lanes = Lanes.defaults();
    private final List<LanesListener> listeners = new ArrayList<>();
    private Duration blockedLoopThreshold = Observability.DEFAULT_BLOCKED_THRESHOLD;
    private JsonCodec json = JsonCodec.defaults();
    private boolean redirectSlashes = true;
    private String rootPath = "";

    private Builder() {}

    /**
     * How requests are read and {@code Response.json} bodies written (default
     * {@link JsonCodec#defaults()}): {@code .json(JsonCodec.defaults().with(new GuavaModule()))}.
     */
    public Builder json(JsonCodec codec) {
      this.json = java.util.Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Adds a listener for requests, lanes, background tasks and the server's life (see
     * {@link LanesListener} for its rules). Each listener added sees every event.
     */
    public Builder listener(LanesListener listener) {
      listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Reports an event loop busy with one piece of work longer than {@code threshold} (default
     * 100 ms); {@link Duration#ZERO} turns the watchdog off.
     */
    public Builder blockedLoopThreshold(Duration threshold) {
      if (threshold.isNegative()) {
        throw new IllegalArgumentException("blockedLoopThreshold must not be negative");
      }
      this.blockedLoopThreshold = threshold;
      return this;
    }

    /**
     * Whether a path that no route matches, but would with its trailing slash added or removed,
     * is redirected there (307, query kept), as FastAPI's {@code redirect_slashes} does; on by
     * default. Off: such a request is a 404.
     *
     * <pre>{@code App.builder().get("/items", h)  // GET /items/ -> 307, Location: /items }</pre>
     */
    public Builder redirectSlashes(boolean on) {
      this.redirectSlashes = on;
      return this;
    }

    /**
     * The path prefix a proxy serves the app under (FastAPI's {@code root_path}, uvicorn's
     * {@code --root-path}): {@code Request.urlFor} and the typed layer's OpenAPI {@code servers}
     * and docs pages put it before the app's paths, and a request path that starts with it is
     * routed without it, so the proxy may strip the prefix or pass it on (Starlette's
     * {@code get_route_path}). A URL path, percent-encoded: {@code "/api"}; {@code ""} (the
     * default) or {@code "/"}: none. A trusted proxy's {@code X-Forwarded-Prefix}
     * ({@code ProxyHeaders.forwardedPrefix}) replaces it for the URLs built, not for routing.
     *
     * <pre>{@code App.builder().rootPath("/api").get("/items/{id}", h)  // GET /items/5 and GET /api/items/5 reach h}</pre>
     *
     * @throws IllegalArgumentException naming what is wrong when {@code prefix} is not a URL path
     *     (no leading {@code /}, a {@code .} or {@code ..} segment, a character to percent-encode...)
     */
    public Builder rootPath(String prefix) {
      this.rootPath = RootPathValue.normalized(Objects.requireNonNull(prefix, "prefix"));
      return this;
    }

    /** A blocking GET handler, run in the {@code endpoints} lane. */
    public Builder get(String path, BlockingHandler h) {
      return route("GET", path, h);
    }

    public Builder post(String path, BlockingHandler h) {
      return route("POST", path, h);
    }

    public Builder put(String path, BlockingHandler h) {
      return route("PUT", path, h);
    }

    public Builder patch(String path, BlockingHandler h) {
      return route("PATCH", path, h);
    }

    public Builder delete(String path, BlockingHandler h) {
      return route("DELETE", path, h);
    }

    /** An async GET handler, run on the event loop. */
    public Builder getAsync(String path, AsyncHandler h) {
      return route("GET", path, h);
    }

    public Builder postAsync(String path, AsyncHandler h) {
      return route("POST", path, h);
    }

    public Builder putAsync(String path, AsyncHandler h) {
      return route("PUT", path, h);
    }

    public Builder patchAsync(String path, AsyncHandler h) {
      return route("PATCH", path, h);
    }

    public Builder deleteAsync(String path, AsyncHandler h) {
      return route("DELETE", path, h);
    }

    /** Any method; where it runs follows from the handler's type. */
    public Builder route(String method, String path, Handler h) {
      routes.add(ScopedRoute.of(new Route(method, PathPattern.parse(path), h, RouteOptions.defaults())));
      return this;
    }

    /** A blocking handler for any method. */
    public Builder route(String method, String path, BlockingHandler h) {
      return route(method, path, (Handler) h);
    }

    /** An async handler for any method. */
    public Builder routeAsync(String method, String path, AsyncHandler h) {
      return route(method, path, h);
    }

    /** A blocking handler run in the named lane instead of {@code endpoints}. */
    public Builder route(String method, String path, String lane, BlockingHandler h) {
      return route(method, path, RouteOptions.defaults().lane(lane), h);
    }

    /**
     * Any method, with options: the lane of a blocking handler and a deadline past which the
     * client gets 504 and the handler is cancelled.
     *
     * <pre>{@code .route("GET", "/report", RouteOptions.defaults().deadline(Duration.ofSeconds(2)), handler)}</pre>
     */
    public Builder route(String method, String path, RouteOptions options, Handler h) {
      routes.add(ScopedRoute.of(new Route(method, PathPattern.parse(path), h, options)));
      return this;
    }

    /** A blocking handler with options; see {@link #route(String, String, RouteOptions, Handler)}. */
    public Builder route(String method, String path, RouteOptions options, BlockingHandler h) {
      return route(method, path, options, (Handler) h);
    }

    /** An async handler with options (a deadline; async handlers take no lane). */
    public Builder routeAsync(String method, String path, RouteOptions options, AsyncHandler h) {
      return route(method, path, options, (Handler) h);
    }

    /**
     * A WebSocket route whose blocking handler owns each session on a virtual thread of lane
     * {@code websockets}, holding one token while it is open (a full lane answers the upgrade
     * with 503); see {@code docs/websockets.md}. The upgrade request passes through middleware
     * and exception handlers like any GET.
     *
     * <pre>{@code .websocket("/ws/echo", ws -> { while (true) ws.send(ws.receive()); })}</pre>
     */
    public Builder websocket(String path, BlockingWebSocketHandler h) {
      return websocket(path, WebSocketOptions.defaults(), h);
    }

    /** A blocking WebSocket route with options: its lane, size limits, ping and send timeouts. */
    public Builder websocket(String path, WebSocketOptions options, BlockingWebSocketHandler h) {
      routes.add(ScopedRoute.of(new Route("GET", PathPattern.parse(path),
          WebSocketEndpoint.blocking("GET " + path, options, h), Routes.webSocketRouteOptions(options))));
      return this;
    }

    /**
     * A WebSocket route whose handler is called back on the event loop, one message at a time
     * per connection; it takes no lane token and must not block.
     *
     * <pre>{@code .websocketAsync("/ws/echo-async", (ws, message) -> ws.sendAsync(message))}</pre>
     */
    public Builder websocketAsync(String path, AsyncWebSocketHandler h) {
      return websocketAsync(path, WebSocketOptions.defaults(), h);
    }

    /** An async WebSocket route with options (its lane is not used: callbacks run on the loop). */
    public Builder websocketAsync(String path, WebSocketOptions options, AsyncWebSocketHandler h) {
      routes.add(ScopedRoute.of(new Route("GET", PathPattern.parse(path),
          WebSocketEndpoint.async("GET " + path, options, h), Routes.webSocketRouteOptions(options))));
      return this;
    }

    /**
     * Adds {@code part}'s routes, as they are now, under {@code prefix} ({@code ""}: none; else
     * starting with {@code /} and not ending with one), each wrapped in the part's middleware
     * inside the app's (FastAPI's {@code include_router}, Starlette's {@code Mount}); see
     * {@link Routes} and {@code docs/routing.md}. They are routes of this app like any other:
     * checked together at {@link #build()}, served by its lanes, answered by its exception
     * handlers.
     *
     * <pre>{@code App.builder().include("/items", Routes.create().get("/{id}", h))  // GET /items/{id} }</pre>
     */
    public Builder include(String prefix, Routes part) {
      return include(prefix, "", part);
    }

    /**
     * Adds {@code part}'s routes under {@code prefix} as {@link #include(String, Routes)}, their
     * names under {@code namespace} (Starlette's {@code Mount(name=...)}): a route the part names
     * {@code read_item} is {@code "api:read_item"} here. Without one the names are the app's as
     * they are (FastAPI's {@code include_router}), and must not clash with its others.
     *
     * <pre>{@code App.builder().include("/api", "api", items)  // app.urlPathFor("api:read_item", Map.of("id", 5))}</pre>
     */
    public Builder include(String prefix, String namespace, Routes part) {
      List<ScopedRoute> added = new ArrayList<>();
      Objects.requireNonNull(part, "part").addTo(prefix, namespace, List.of(), added::add);
      routes.addAll(added); // all or none: a bad path in the part leaves the builder as it was
      return this;
    }

    /** The state startup hooks fill; handlers may capture it before the app is built. */
    public AppState state() {
      return state;
    }

    /** Runs {@code hook} at startup, before the server accepts; hooks run in the order added. */
    public Builder onStartup(LifespanHook hook) {
      startup.add(java.util.Objects.requireNonNull(hook, "hook"));
      return this;
    }

    /** Runs {@code hook} at shutdown, after requests and background tasks; newest first. */
    public Builder onShutdown(LifespanHook hook) {
      shutdown.add(java.util.Objects.requireNonNull(hook, "hook"));
      return this;
    }

    /** Adds or replaces a lane definition (the defaults are in {@link Lanes#defaults()}). */
    public Builder lane(Lane.Builder lane) {
      lanes.with(lane);
      return this;
    }

    /**
     * Wraps every request, routed or not (404s, 405s and automatic OPTIONS answers too); the
     * first added is the outermost. Failures inside it arrive as error responses.
     */
    public Builder middleware(Middleware m) {
      middleware.add(m);
      return this;
    }

    /**
     * Maps an exception type (and its subclasses) to a response, as Starlette's
     * exception_handlers. It sees every request, routed or not: the server's 404, 405 and
     * path-parameter errors are {@link HttpException}s.
     */
    @SuppressWarnings("unchecked")
    public <T extends Throwable> Builder exceptionHandler(Class<T> type, Function<? super T, Response> h) {
      exceptionHandlers.put(type, t -> h.apply((T) t));
      return this;
    }

    /**
     * Builds the app and validates it: routes and route names are unique and every lane a route
     * names exists.
     */
    public App build() {
      return new App(this);
    }
  }
}

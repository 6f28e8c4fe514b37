package dev.lanes;

import dev.lanes.background.BackgroundRunner;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.LaneRejectedException;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.HttpException;
import dev.lanes.lifespan.AppState;
import dev.lanes.lifespan.Lifespan;
import dev.lanes.lifespan.LifespanHook;
import dev.lanes.http.Params;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.observe.LanesListener;
import dev.lanes.internal.observe.LoopActivity;
import dev.lanes.observe.Observability;
import dev.lanes.internal.observe.RequestTrace;
import dev.lanes.routing.AsyncHandler;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.Deadline;
import dev.lanes.routing.Endpoint;
import dev.lanes.routing.Handler;
import dev.lanes.routing.Middleware;
import dev.lanes.routing.PathPattern;
import dev.lanes.routing.Route;
import dev.lanes.routing.RouteMatch;
import dev.lanes.routing.RouteOptions;
import dev.lanes.routing.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application: routes, the lanes its blocking work runs in, and how errors become responses.
 * Built once; every mistake in it (duplicate route, unknown lane) fails at {@link Builder#build}.
 *
 * <pre>{@code
 * App app = App.builder()
 *     .get("/sync", req -> { Thread.sleep(1000); return Response.text("slept"); })
 *     .getAsync("/async", req -> Concurrency.sleep(Duration.ofSeconds(1)).thenApply(v -> Response.text("slept")))
 *     .build();
 * }</pre>
 */
public final class App implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);
  private static final Response NOT_FOUND = Response.text(404, "Not Found");

  private final Router router;
  private final Lanes lanes;
  private final BackgroundRunner background;
  private final Map<Route, Compiled> endpoints;
  private final AppState state;
  private final Lifespan lifespan;
  private final Map<Class<? extends Throwable>, Function<Throwable, Response>> exceptionHandlers;
  private final Observability observability;

  private App(Builder b) {
    this.router = new Router(b.routes);
    this.observability = Observability.of(b.listeners, b.blockedLoopThreshold);
    LanesListener listener = observability.listener();
    // Only a real listener goes to the lanes: without one they keep their event-free path.
    this.lanes = (listener == LanesListener.NONE ? b.lanes : b.lanes.listener(listener)).build();
    this.background = new BackgroundRunner(lanes, observability.listener());
    this.exceptionHandlers = Map.copyOf(b.exceptionHandlers);
    for (Route r : b.routes) {
      if (r.lane().isPresent() && lanes.find(r.lane().get()).isEmpty()) {
        lanes.close();
        throw new IllegalArgumentException(r.name() + " names unknown lane '" + r.lane().get()
            + "'; lanes: " + lanes.all().stream().map(Lane::name).toList());
      }
    }
    Map<Route, Compiled> compiled = new IdentityHashMap<>();
    for (Route r : b.routes) {
      Endpoint e = compile(r);
      Duration deadline = b.deadlines.get(r);
      if (deadline != null) {
        e = Deadline.of(deadline).wrap(e); // inside middleware: it bounds lane wait and handler
      }
      for (int i = b.middleware.size() - 1; i >= 0; i--) {
        e = b.middleware.get(i).wrap(e);
      }
      compiled.put(r, new Compiled(r.name(), e));
    }
    this.endpoints = compiled;
    this.state = b.state;
    this.lifespan = new Lifespan(b.state, b.startup, b.shutdown);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Lanes lanes() {
    return lanes;
  }

  /** Runs the background tasks of sent responses; its statistics count them. */
  public BackgroundRunner background() {
    return background;
  }

  public Router router() {
    return router;
  }

  /** The app's listeners and blocked-loop watchdog (see {@code docs/observability.md}). */
  public Observability observability() {
    return observability;
  }

  /**
   * Routes and starts one request; called by the server on the event loop. The future may fail;
   * {@link #errorResponse} turns any failure into the response to send. Cancelling the future
   * cancels the handler.
   */
  public CompletableFuture<Response> serve(String method, String path, Request.Builder request) {
    return serve(method, path, request, RequestTrace.NONE);
  }

  /** As {@link #serve(String, String, Request.Builder)}, telling {@code trace} the matched route. */
  public CompletableFuture<Response> serve(String method, String path, Request.Builder request,
      RequestTrace trace) {
    RouteMatch match;
    try {
      match = router.match(method, path);
    } catch (HttpException e) {
      return CompletableFuture.failedFuture(e);
    }
    return switch (match) {
      case RouteMatch.NotFound nf -> CompletableFuture.completedFuture(NOT_FOUND);
      case RouteMatch.MethodNotAllowed m -> CompletableFuture.completedFuture(
          (method.equals("OPTIONS") ? Response.status(204) : Response.text(405, "Method Not Allowed"))
              .withHeader("Allow", String.join(", ", m.allowed())));
      case RouteMatch.Found f -> {
        Compiled route = endpoints.get(f.route());
        if (trace != RequestTrace.NONE) {
          trace.routed(route.name());
        }
        Request req = request.lanes(lanes)
            .pathParams(f.params().isEmpty() ? Params.empty() : Params.of("path parameter",
                toLists(f.params())))
            .build();
        yield route.endpoint().call(req);
      }
    };
  }

  /** The response for a failed request: 4xx for the client's mistakes, 503 for rejections, 500 otherwise. */
  public Response errorResponse(Throwable error, String where) {
    Throwable t = unwrap(error);
    Function<Throwable, Response> custom = findHandler(t.getClass());
    if (custom != null) {
      try {
        return custom.apply(t);
      } catch (RuntimeException e) {
        LOG.error("exception handler for {} failed at {}", t.getClass().getName(), where, e);
        return Response.text(500, "Internal Server Error");
      }
    }
    return switch (t) {
      case HttpException he -> Response.text(he.status(), he.getMessage());
      case LaneRejectedException lr -> Response.text(503, "Service Unavailable: " + switch (lr.reason()) {
        case QUEUE_FULL -> "too many requests waiting";
        case WAIT_TIMEOUT -> "waited too long for capacity";
        case CLOSED -> "shutting down";
        case SERVER_BUSY -> "server at its concurrency limit";
      }).withHeader("Retry-After", "1");
      case CancellationException ce -> Response.text(503, "Service Unavailable: request cancelled");
      default -> {
        LOG.error("unhandled error in {}", where, t);
        yield Response.text(500, "Internal Server Error");
      }
    };
  }

  private Function<Throwable, Response> findHandler(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      Function<Throwable, Response> h = exceptionHandlers.get(c);
      if (h != null) {
        return h;
      }
    }
    return null;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static Map<String, List<String>> toLists(Map<String, String> params) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    params.forEach((k, v) -> out.put(k, List.of(v)));
    return out;
  }

  private Endpoint compile(Route route) {
    return switch (route.handler()) {
      case BlockingHandler h -> {
        Lane lane = lanes.get(route.lane().orElse(Lanes.ENDPOINTS));
        yield req -> {
          CompletableFuture<Response> work = lane.run(() -> h.handle(req));
          req.scope().onCancel(() -> work.cancel(true));
          return work;
        };
      }
      case AsyncHandler h -> {
        String name = route.name();
        yield req -> callAsync(h, name, req);
      }
    };
  }

  /** The app's typed state, as filled by its startup hooks. */
  public AppState state() {
    return state;
  }

  /** Shorthand for {@code state().get(type)}. */
  public <T> T state(Class<T> type) {
    return state.get(type);
  }

  /**
   * Runs the startup hooks (once); the server calls this before it accepts.
   *
   * @throws Lifespan.StartupException if a hook fails; the shutdown hooks have run then
   */
  public void startup() {
    lifespan.start();
  }

  /** Runs the shutdown hooks (once, newest first); the server calls this after draining. */
  public void shutdown() {
    lifespan.stop();
  }

  /** Runs an async handler on the loop, marking the loop as in it for the blocked-loop watchdog. */
  private static CompletableFuture<Response> callAsync(AsyncHandler h, String routeName, Request req) {
    boolean marked = LoopActivity.enterHandler(routeName);
    try {
      CompletionStage<Response> stage = h.handle(req);
      if (stage == null) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("async handler returned null: " + routeName));
      }
      CompletableFuture<Response> work = stage.toCompletableFuture();
      req.scope().onCancel(() -> work.cancel(true));
      return work;
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      if (marked) {
        LoopActivity.exitHandler();
      }
    }
  }

  /** Shuts the app's lanes down. */
  @Override
  public void close() {
    lanes.close();
  }

  /** A route as served: its name (for logs and metrics) computed once, and its endpoint. */
  private record Compiled(String name, Endpoint endpoint) {}

  /** Collects routes, lanes, middleware and exception handlers. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();
    private final List<Middleware> middleware = new ArrayList<>();
    private final Map<Route, Duration> deadlines = new IdentityHashMap<>();
    private final AppState state = AppState.create();
    private final List<LifespanHook> startup = new ArrayList<>();
    private final List<LifespanHook> shutdown = new ArrayList<>();
    private final Map<Class<? extends Throwable>, Function<Throwable, Response>> exceptionHandlers =
        new LinkedHashMap<>();
    private Lanes.Builder lanes = Lanes.defaults();
    private final List<LanesListener> listeners = new ArrayList<>();
    private Duration blockedLoopThreshold = Observability.DEFAULT_BLOCKED_THRESHOLD;

    private Builder() {}

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
      routes.add(new Route(method, PathPattern.parse(path), h, Optional.empty()));
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
      routes.add(new Route(method, PathPattern.parse(path), h, Optional.of(lane)));
      return this;
    }

    /**
     * Any method, with options: the lane of a blocking handler and a deadline past which the
     * client gets 504 and the handler is cancelled.
     *
     * <pre>{@code .route("GET", "/report", RouteOptions.defaults().deadline(Duration.ofSeconds(2)), handler)}</pre>
     */
    public Builder route(String method, String path, RouteOptions options, Handler h) {
      Route r = new Route(method, PathPattern.parse(path), h, options.lane());
      routes.add(r);
      options.deadline().ifPresent(d -> deadlines.put(r, d));
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

    /** Wraps every endpoint; the first added is the outermost. */
    public Builder middleware(Middleware m) {
      middleware.add(m);
      return this;
    }

    /** Maps an exception type (and its subclasses) to a response, as Starlette's exception_handlers. */
    @SuppressWarnings("unchecked")
    public <T extends Throwable> Builder exceptionHandler(Class<T> type, Function<? super T, Response> h) {
      exceptionHandlers.put(type, t -> h.apply((T) t));
      return this;
    }

    /** Builds the app and validates it: routes are unique and every lane a route names exists. */
    public App build() {
      return new App(this);
    }
  }
}

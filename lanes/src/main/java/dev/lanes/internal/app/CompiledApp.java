package dev.lanes.internal.app;

import dev.lanes.background.BackgroundRunner;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Headers;
import dev.lanes.http.HttpException;
import dev.lanes.http.JsonCodec;
import dev.lanes.http.Params;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.internal.http.RootPathValue;
import dev.lanes.lifespan.Lifespan;
import dev.lanes.internal.observe.Instruments;
import dev.lanes.internal.observe.RequestTrace;
import dev.lanes.internal.routing.RouteMatch;
import dev.lanes.internal.routing.RouteNames;
import dev.lanes.internal.routing.Router;
import dev.lanes.routing.AsyncHandler;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.Deadline;
import dev.lanes.routing.Endpoint;
import dev.lanes.routing.Middleware;
import dev.lanes.routing.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An app as the server runs it, compiled once from {@code App.Builder}: every route's endpoint
 * with the app's middleware (and inside it, the middleware of the {@code Routes} parts it was
 * included through), error mapping, deadline and lane hop composed around it, and the
 * same middleware around the fallbacks (404, 405, automatic OPTIONS), so middleware and
 * exception handlers see every request, routed or not; around a 405 or automatic OPTIONS also
 * the part middleware the routes of that path share.
 */
public final class CompiledApp {
  private static final System.Logger LOG = System.getLogger(CompiledApp.class.getName());
  private final Router<CompiledRoute> router;
  private final RouteNames names;
  private final List<Middleware> middleware;
  private final ErrorMapper errors;
  private final JsonCodec json;
  private final Endpoint notFound;
  private final Endpoint serverOptions;
  private final Endpoint slashRedirect;
  private final Lanes lanes;
  private final BackgroundRunner background;
  private final Instruments instruments;
  private final Lifespan lifespan;
  private final boolean someRouteUncompressed;
  private final boolean someRouteStreamed;
  private final boolean redirectSlashes;
  private final String rootPath; // "": none; percent-encoded, as URLs carry it
  private final String decodedRootPath; // as request paths arrive, decoded
  private volatile boolean closed; // its lanes are shut: a server on it would answer only 503s

  /**
   * Compiles {@code routes}; a route naming an unknown lane fails here, at startup. {@code webSocket}
   * tells the WebSocket routes, whose URLs are {@code ws://}.
   */
  public CompiledApp(List<ScopedRoute> routes, List<Middleware> middleware, ErrorMapper errors, JsonCodec json,
      Lanes lanes, BackgroundRunner background, Instruments instruments, Lifespan lifespan, boolean redirectSlashes,
      String rootPath, Predicate<Route> webSocket) {
    this.middleware = List.copyOf(middleware);
    this.errors = errors;
    this.json = json;
    this.lanes = lanes;
    this.background = background;
    this.instruments = instruments;
    this.lifespan = lifespan;
    this.redirectSlashes = redirectSlashes;
    this.rootPath = RootPathValue.normalized(rootPath);
    this.decodedRootPath = RootPathValue.decoded(this.rootPath);
    List<CompiledRoute> compiled = new ArrayList<>(routes.size());
    for (ScopedRoute r : routes) {
      compiled.add(compile(r));
    }
    this.router = new Router<>(compiled, CompiledRoute::route);
    this.names = new RouteNames(routes.stream().map(ScopedRoute::route).toList(), webSocket);
    this.someRouteUncompressed = routes.stream().anyMatch(r -> !r.route().options().compress());
    this.someRouteStreamed = routes.stream().anyMatch(r -> r.route().options().streamsBody());
    this.notFound = aroundFallback(Fallbacks.NOT_FOUND, "not found");
    this.serverOptions = aroundFallback(Fallbacks.SERVER_OPTIONS, "OPTIONS *");
    this.slashRedirect = aroundFallback(Fallbacks.SLASH_TWIN, "redirect slashes");
  }

  private CompiledRoute compile(ScopedRoute scoped) {
    Route route = scoped.route();
    String name = route.name();
    if (route.options().streamsBody() && !(route.handler() instanceof BlockingHandler)) {
      // Its reads block until the client sends: only a lane's virtual thread may wait so.
      throw new IllegalArgumentException(name + ": RouteOptions.streamedBody needs a BlockingHandler");
    }
    Endpoint e = switch (route.handler()) {
      case BlockingHandler h -> HandlerEndpoints.blocking(h, lane(route));
      case AsyncHandler h -> HandlerEndpoints.async(h, name);
    };
    if (route.deadline().isPresent()) {
      e = Deadline.of(route.deadline().get()).wrap(e); // bounds lane wait and handler
    }
    // The parts' middleware inside the app's, composed here once: routing picks the whole chain.
    Endpoint inParts = wrapped(errors.recovering(e, name), scoped.middleware(), name);
    return new CompiledRoute(route, name, wrapped(inParts, middleware, name), scoped.middleware());
  }

  private Lane lane(Route route) {
    String name = route.lane().orElse(Lanes.ENDPOINTS);
    return lanes.find(name).orElseThrow(() -> new IllegalArgumentException(route.name()
        + " names unknown lane '" + name + "'; lanes: " + lanes.all().stream().map(Lane::name).toList()));
  }

  private Endpoint aroundFallback(Endpoint fallback, String where) {
    return wrapped(errors.recovering(fallback, where), middleware, where);
  }

  /**
   * {@code e} inside {@code layers} (the app's, or a route's parts'), the first outermost. Each
   * layer's failures become responses before the next layer out sees them: a middleware's own
   * failure (an app-wide {@code Deadline}'s 504) still passes through the ones around it (CORS
   * headers on the 504).
   */
  private Endpoint wrapped(Endpoint e, List<Middleware> layers, String where) {
    for (int i = layers.size() - 1; i >= 0; i--) {
      e = errors.recovering(layers.get(i).wrap(e), where);
    }
    return e;
  }

  /**
   * Routes and starts one request on the event loop. The future completes with a response for
   * every outcome the app handles; it fails only if middleware itself fails. Work is cancelled
   * through the request's scope.
   */
  public CompletableFuture<Response> serve(String method, String receivedPath, Request.Builder request,
      RequestTrace trace) {
    if (receivedPath.equals("*")) { // OPTIONS *: the server itself, not a resource
      return serverOptions.call(prepared(request).build());
    }
    String path = routePath(receivedPath);
    RouteMatch<CompiledRoute> match;
    try {
      match = router.match(method, path);
    } catch (HttpException e) {
      return aroundFallback(Fallbacks.failing(e), method + " " + path).call(prepared(request).build());
    }
    return switch (match) {
      case RouteMatch.Found<CompiledRoute> f -> {
        CompiledRoute route = f.target();
        if (trace != RequestTrace.NONE) {
          trace.routed(route.name());
        }
        if (route.route().options().streamsBody()) {
          request.streamedBody(); // a body read whole (none, or an h2c upgrade's): still given as a stream
        }
        Request req = prepared(request)
            .pathParams(f.params().isEmpty() ? Params.empty() : Params.of("path parameter", toLists(f.params())))
            .build();
        yield route.endpoint().call(req);
      }
      case RouteMatch.MethodNotAllowed<CompiledRoute> m -> {
        // The path is the parts' as much as their routes are: their middleware (a part's Cors
        // answering a preflight) sees the 405 and the automatic OPTIONS answer too.
        String where = method + " " + path;
        Endpoint fallback = wrapped(errors.recovering(Fallbacks.otherMethods(method, m.allowed()), where),
            sharedPartMiddleware(m.fitting()), where);
        yield wrapped(fallback, middleware, where).call(prepared(request).build());
      }
      case RouteMatch.NotFound<CompiledRoute> nf -> {
        Request req = prepared(request).build();
        yield redirectSlashes && slashTwinExists(method, path)
            ? slashRedirect.call(req)
            : notFound.call(req);
      }
    };
  }

  /**
   * The part middleware every one of {@code routes} runs inside, outermost first: their chains up
   * to the first place they differ. A path two parts' routes serve meets neither part's own
   * middleware, only what both were included through (or what both added, the same instance), so
   * no part's middleware answers for another part's route.
   */
  private static List<Middleware> sharedPartMiddleware(List<CompiledRoute> routes) {
    List<Middleware> shared = routes.getFirst().partMiddleware();
    for (int i = 1; i < routes.size() && !shared.isEmpty(); i++) {
      List<Middleware> other = routes.get(i).partMiddleware();
      int n = 0;
      while (n < shared.size() && n < other.size() && shared.get(n) == other.get(n)) {
        n++;
      }
      shared = shared.subList(0, n);
    }
    return shared;
  }

  /** {@code request} with what the app gives every request: its lanes, codec, route names and root path. */
  private Request.Builder prepared(Request.Builder request) {
    request.lanes(lanes).json(json).urlPaths(names);
    return rootPath.isEmpty() ? request : request.rootPath(rootPath);
  }

  /**
   * The path routes are matched against: {@code path} without the app's root path when it starts
   * with it, as Starlette's {@code get_route_path} reads it, so a proxy may strip the prefix or
   * pass it on; else {@code path} as it is. The root path alone is {@code ""}, which no route
   * matches and the slash redirect sends to the root path with its {@code /}.
   */
  private String routePath(String path) {
    if (decodedRootPath.isEmpty() || !path.startsWith(decodedRootPath)) {
      return path;
    }
    if (path.length() == decodedRootPath.length()) {
      return "";
    }
    return path.charAt(decodedRootPath.length()) == '/' ? path.substring(decodedRootPath.length()) : path;
  }

  /**
   * Whether {@link #serve} would hand {@code method path} to a route's endpoint; false when a
   * fallback answers it (404, 405, the automatic {@code OPTIONS}, a slash redirect,
   * {@code OPTIONS *}) or the router refuses its path parameters (400). The answer depends on the
   * method and path alone, so a request can be told it from its head.
   */
  public boolean reachesRoute(String method, String path) {
    if (path.equals("*")) {
      return false;
    }
    try {
      return router.match(method, routePath(path)) instanceof RouteMatch.Found<CompiledRoute>;
    } catch (HttpException e) {
      return false;
    }
  }

  /** Whether some route streams its request body ({@code RouteOptions.streamedBody}). */
  public boolean streamsBodies() {
    return someRouteStreamed;
  }

  /**
   * The body limit of the route {@link #serve} would hand {@code method path} to if that route
   * streams its request body ({@code RouteOptions.streamedBody}), else -1: the body is read whole.
   * Asked from a request's head, before its body is read; free when no route streams.
   */
  public long streamedBodyLimit(String method, String path) {
    if (!someRouteStreamed || path.equals("*")) {
      return -1;
    }
    try {
      return router.match(method, routePath(path)) instanceof RouteMatch.Found<CompiledRoute> f
          ? f.target().route().options().streamedBodyLimit() : -1;
    } catch (HttpException e) {
      return -1;
    }
  }

  /** Whether {@code path} with its trailing slash removed or added is a route's (for any method). */
  private boolean slashTwinExists(String method, String path) {
    if (path.equals("/") || path.startsWith("//")) {
      return false; // a Location of "//host..." would send the client to another site
    }
    String twin = path.endsWith("/") ? path.substring(0, path.length() - 1) : path + "/";
    try {
      return !(router.match(method, twin) instanceof RouteMatch.NotFound<CompiledRoute>);
    } catch (HttpException e) {
      return false; // the twin reaches a route that would refuse it: no better than a 404
    }
  }

  private static Map<String, List<String>> toLists(Map<String, String> params) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    params.forEach((k, v) -> out.put(k, List.of(v)));
    return out;
  }

  /**
   * Whether the response to {@code method path} may be compressed: false only when the route it
   * reaches turned compression off ({@code RouteOptions.compress(false)}). A connection with
   * compression on asks for every request, before serving it (the answer also decides
   * {@code Vary}); only when some route turned compression off does that route the request a
   * second time.
   */
  public boolean compressible(String method, String path) {
    if (!someRouteUncompressed || path.equals("*")) {
      return true;
    }
    try {
      return !(router.match(method, routePath(path)) instanceof RouteMatch.Found<CompiledRoute> f)
          || f.target().route().options().compress();
    } catch (HttpException e) {
      return true;
    }
  }

  /**
   * {@code answer}, which the server gives from a request's head before any middleware runs (413,
   * 417, 503 when full...), as the app's middleware leaves it ({@link Middleware#refused}),
   * innermost first as answers pass out; one that fails leaves it as it was, logged.
   */
  public Response refused(Headers request, Response answer) {
    Response out = answer;
    for (int i = middleware.size() - 1; i >= 0; i--) {
      try {
        out = Objects.requireNonNull(middleware.get(i).refused(request, out), "Middleware.refused returned null");
      } catch (RuntimeException | Error e) {
        // An Error too (a failed assertion), as a handler's is answered: thrown on, it would end
        // the connection (on HTTP/2 every stream of it) with no answer.
        LOG.log(System.Logger.Level.ERROR, "middleware failed on a refused request's answer", e);
      }
    }
    return out;
  }

  /** The path prefix the app is served under ({@code ""}: none), percent-encoded. */
  public String rootPath() {
    return rootPath;
  }

  /** The named routes' paths ({@code App.urlPathFor}). */
  public RouteNames names() {
    return names;
  }

  /** The routes in registration order. */
  public List<Route> routes() {
    return router.targets().stream().map(CompiledRoute::route).toList();
  }

  public JsonCodec json() {
    return json;
  }

  /**
   * {@code response} with a JSON body serialised by the app's codec; a value the codec cannot
   * write becomes the error response (a logged 500), as if the handler had thrown; {@code where}
   * names the request for that error, built only then.
   */
  public Response encoded(Response response, Supplier<String> where) {
    if (!(response.body() instanceof dev.lanes.http.ResponseBody.Json)) {
      return response;
    }
    try {
      return json.encode(response);
    } catch (RuntimeException e) {
      Response error = errors.toResponse(e, where.get());
      try {
        return json.encode(error);
      } catch (RuntimeException again) {
        return Response.text(500, "Internal Server Error");
      }
    }
  }

  public ErrorMapper errors() {
    return errors;
  }

  public Lanes lanes() {
    return lanes;
  }

  /** Shuts the lanes down for good; see {@link #closed()}. */
  public void close() {
    closed = true;
    lanes.close();
  }

  /** Whether {@link #close()} was called: the app can no longer run blocking work. */
  public boolean closed() {
    return closed;
  }

  public BackgroundRunner background() {
    return background;
  }

  public Instruments instruments() {
    return instruments;
  }

  public Lifespan lifespan() {
    return lifespan;
  }
}

package dev.lanes.typed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanes.App;
import dev.lanes.Routes;
import dev.lanes.forms.FormLimits;
import dev.lanes.http.HttpException;
import dev.lanes.http.Response;
import dev.lanes.routing.AsyncHandler;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.Handler;
import dev.lanes.routing.PathPattern;
import dev.lanes.routing.Route;
import dev.lanes.routing.RouteOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * FastAPI's typed layer for Lanes: handler methods whose parameters say where each value comes
 * from and what it must be, dependencies with cleanup, 422 errors in FastAPI's shape, and the
 * OpenAPI document and {@code /docs} generated from the same compiled plans. Every method is
 * read by reflection once, in {@link Builder#build()}; requests only run the compiled plans.
 * A method returning {@code CompletionStage<T>} runs on the event loop, any other in its route's
 * lane (docs/adr/0001).
 *
 * <pre>{@code
 * TypedApi api = TypedApi.builder().title("Items").provider(new Auth()).controller(new ItemsResource()).build();
 * App app = api.install(App.builder()).build();
 * }</pre>
 */
public final class TypedApi {
  private final List<RoutePlan> plans;
  private final List<Route> routes;
  private final ValidationBody errors;
  private final ObjectNode document;

  private TypedApi(Builder b) {
    PlanCompiler compiler = new PlanCompiler(b.formLimits, b.strictContentType, b.clock);
    b.providers.forEach(compiler::provider);
    List<RoutePlan> compiled = new ArrayList<>();
    compile(compiler, b.app, GroupScope.app(b.app.requires), compiled);
    this.plans = List.copyOf(compiled);
    this.errors = b.errorType != null
        ? ValidationBody.custom(new ShapeCompiler(b.clock).shape(b.errorType, new java.lang.annotation.Annotation[0],
            "validation error type"), b.errorBody)
        : b.problemDetails ? ValidationBody.problemDetails() : ValidationBody.fastApi();
    List<Route> out = new ArrayList<>();
    // A method name two typed routes share (list() in two controllers) names neither: an app must
    // not fail to build over names it may never use. An operationId is the explicit, unique name.
    Map<String, Long> methodNames = plans.stream().filter(p -> operationId(p) == null)
        .collect(Collectors.groupingBy(p -> p.method.getName(), Collectors.counting()));
    for (RoutePlan p : plans) {
      Handler h = p.async ? (AsyncHandler) p::handleAsync : (BlockingHandler) p::handle;
      // Named as FastAPI names a route, after its function: the method's name, or its operationId.
      String id = operationId(p);
      String name = id != null ? id : methodNames.get(p.method.getName()) == 1 ? p.method.getName() : null;
      RouteOptions named = name == null ? RouteOptions.defaults() : RouteOptions.defaults().name(name);
      RouteOptions options = b.lane == null || p.async ? named : named.lane(b.lane);
      out.add(new Route(p.httpMethod, PathPattern.parse(p.path), h, options));
    }
    this.document = OpenApiDocument.of(b.title, b.version, b.servers, plans, b.securitySchemes, errors);
    if (!b.openApiPath.isEmpty()) {
      out.add(RootPathResponse.route(b.openApiPath, rootPath -> Response.json(OpenApiDocument.served(document, rootPath))));
      if (!b.docsPath.isEmpty()) {
        out.addAll(SwaggerUi.routes(b.docsPath, b.openApiPath, b.title));
      }
      if (!b.redocPath.isEmpty()) {
        out.addAll(Redoc.routes(b.redocPath, b.openApiPath, b.title));
      }
    }
    this.routes = List.copyOf(out);
  }

  private static String operationId(RoutePlan p) {
    Operation about = p.method.getAnnotation(Operation.class);
    return about != null && !about.operationId().isEmpty() ? about.operationId() : null;
  }

  /** The routes of {@code group}'s controllers and nested groups, in the order they were given. */
  private static void compile(PlanCompiler compiler, RouteGroup group, GroupScope scope, List<RoutePlan> out) {
    for (Object member : group.members) {
      if (member instanceof RouteGroup inner) {
        compile(compiler, inner, scope.within(inner), out);
      } else {
        out.addAll(compiler.routes(member, scope));
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The routes to serve: the typed routes, then the document and docs routes. */
  public List<Route> routes() {
    return routes;
  }

  /** The OpenAPI 3.1 document (a copy). */
  public ObjectNode openApi() {
    return document.deepCopy();
  }

  /**
   * The API as a part of an app ({@link Routes}): its typed routes and its document and docs
   * routes, to include under a prefix and a namespace like any other part, into the app or into
   * another part ({@code api.include("/v1", "v1", typed.part())}). The document and docs pages are
   * then served under the prefix and name it first in {@code servers}, with the paths of the
   * document as the API's own (as FastAPI does for a sub-application mounted under a prefix); route
   * names are the namespace's ({@code v1:readItem}). The 422 and {@code {"detail": ...}} answers are
   * the app's exception handlers, which a part cannot hold: register them with
   * {@link #exceptionHandlers(App.Builder)}, or use {@link #install(App.Builder, String, String)}.
   *
   * <pre>{@code app.include("/v1", "v1", typed.part()); typed.exceptionHandlers(app);}</pre>
   */
  public Routes part() {
    Routes part = Routes.create();
    for (Route r : routes) {
      part.route(r.method(), r.pattern().template(), r.options(), r.handler());
    }
    return part;
  }

  /**
   * {@link #install(App.Builder)} under {@code prefix}, route names under {@code namespace}
   * ({@code ""}: none): {@link #part()} included into {@code app}, and the exception handlers.
   *
   * <pre>{@code typed.install(App.builder(), "/v1", "v1")  // app.urlPathFor("v1:readItem", Map.of("item_id", 5))}</pre>
   */
  public App.Builder install(App.Builder app, String prefix, String namespace) {
    return exceptionHandlers(app.include(prefix, namespace, part()));
  }

  /**
   * Registers the typed layer's exception handlers on {@code app} (those {@link #install(App.Builder)}
   * registers), for an API included as a {@link #part()}.
   */
  public App.Builder exceptionHandlers(App.Builder app) {
    return app.exceptionHandler(HttpException.class, HttpExceptionDetail::respond)
        .exceptionHandler(RequestValidationException.class, errors::respond);
  }

  /**
   * Adds the routes to {@code app}, answers {@link RequestValidationException} with 422 in
   * FastAPI's shape (or problem details), and every {@link HttpException} of the app (typed
   * routes, their dependencies, plain routes) with FastAPI's {@code {"detail": message}} and the
   * exception's headers. An exception handler the app registers for either type afterwards
   * replaces the default, and sees the typed routes' exceptions too.
   */
  public App.Builder install(App.Builder app) {
    for (Route r : routes) {
      app.route(r.method(), r.pattern().template(), r.options(), r.handler());
    }
    return exceptionHandlers(app);
  }

  /** Collects controllers (objects with handler methods), providers and document settings. */
  public static final class Builder {
    private final RouteGroup app = new RouteGroup(""); // the app's controllers, groups and dependencies
    private final List<Object> providers = new ArrayList<>();
    private final List<SecurityScheme> securitySchemes = new ArrayList<>();
    private final List<String> servers = new ArrayList<>();
    private String title = "Lanes";
    private String version = "0.1.0";
    private String openApiPath = "/openapi.json";
    private String docsPath = "/docs";
    private String redocPath = "/redoc";
    private String lane;
    private boolean problemDetails;
    private Class<?> errorType;
    private Function<RequestValidationException, Object> errorBody;
    private FormLimits formLimits = FormLimits.defaults();
    private boolean strictContentType = true;
    private Clock clock = Clock.systemDefaultZone();

    private Builder() {}

    /** An object whose {@link Get}, {@link Post}, ... methods are handlers. */
    public Builder controller(Object controller) {
      app.controller(controller);
      return this;
    }

    /**
     * A group of routes under {@code prefix} (FastAPI's {@code APIRouter} included with
     * {@code include_router}): {@code routes} adds its controllers, tags, dependencies,
     * responses and nested groups. The prefix is empty or starts with '/' and does not end with one.
     *
     * <pre>{@code .group("/items", g -> g.tags("items").require(ApiKey.class).controller(new Items()))}</pre>
     */
    public Builder group(String prefix, Consumer<RouteGroup> routes) {
      app.group(prefix, routes);
      return this;
    }

    /** An object whose {@link Provides} methods are dependencies. */
    public Builder provider(Object provider) {
      providers.add(Objects.requireNonNull(provider, "provider"));
      if (provider instanceof SecurityScheme s) {
        securitySchemes.add(s);
      }
      return this;
    }

    /** Dependencies every route needs (FastAPI's app-level {@code dependencies}). */
    public Builder require(Class<?>... types) {
      app.require(types);
      return this;
    }

    /** The lane blocking handlers run in (default: the app's {@code endpoints}). */
    public Builder lane(String name) {
      this.lane = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The document's {@code info.title} (default "Lanes"). */
    public Builder title(String title) {
      this.title = Objects.requireNonNull(title, "title");
      return this;
    }

    /** Adds a server URL to the document ({@code servers}; FastAPI's {@code servers=[{"url": "/"}]}). */
    public Builder server(String url) {
      servers.add(Objects.requireNonNull(url, "url"));
      return this;
    }

    /** The document's {@code info.version}. */
    public Builder version(String version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    /** Where the OpenAPI document is served (default {@code /openapi.json}); empty: not served, nor the docs. */
    public Builder openApiPath(String path) {
      this.openApiPath = Objects.requireNonNull(path, "path");
      return this;
    }

    /** Where Swagger UI is served (default {@code /docs}); empty: not served. */
    public Builder docsPath(String path) {
      this.docsPath = Objects.requireNonNull(path, "path");
      return this;
    }

    /** Where ReDoc is served (default {@code /redoc}); empty: not served. */
    public Builder redocPath(String path) {
      this.redocPath = Objects.requireNonNull(path, "path");
      return this;
    }

    /** Answers validation errors with RFC 9457 {@code application/problem+json} instead of FastAPI's body. */
    public Builder problemDetails(boolean on) {
      this.problemDetails = on;
      return this;
    }

    /**
     * Answers validation errors with {@code body}'s value (JSON, status 422) and documents every
     * 422 with {@code type}'s schema instead of {@code HTTPValidationError}: one override for both.
     *
     * <pre>{@code .validationError(Problem.class, e -> new Problem(e.errors().size() + " invalid fields"))}</pre>
     */
    public <T> Builder validationError(Class<T> type, Function<RequestValidationException, ? extends T> body) {
      this.errorType = Objects.requireNonNull(type, "type");
      Objects.requireNonNull(body, "body");
      this.errorBody = body::apply;
      return this;
    }

    /** Bounds on the forms routes read ({@link FormField}, uploads); past them the request gets 413. */
    public Builder formLimits(FormLimits limits) {
      this.formLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Whether a JSON body must say so in its Content-Type (the default, as FastAPI's
     * {@code strict_content_type}): a body without one is read as text, so a cross-site form or
     * {@code fetch} that sends none, and so needs no CORS preflight, cannot post JSON. False reads it as JSON.
     */
    public Builder strictContentType(boolean on) {
      this.strictContentType = on;
      return this;
    }

    /**
     * What "now" is for {@code @Past}, {@code @Future} and their {@code OrPresent} forms (default: the
     * system clock in the default time zone, whose date is "today" for a {@code LocalDate} and whose wall
     * time is "now" for a {@code LocalDateTime}, as pydantic reads the local date and time).
     *
     * <pre>{@code .clock(Clock.fixed(Instant.parse("2024-01-02T03:04:05Z"), ZoneOffset.UTC))}</pre>
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Compiles every handler and provider; any mistake in them fails here, naming the method. */
    public TypedApi build() {
      return new TypedApi(this);
    }
  }
}

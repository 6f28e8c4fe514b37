package dev.lanes.typed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.background.BackgroundTasks;
import dev.lanes.forms.FormLimits;
import dev.lanes.forms.UploadFile;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads handler and provider methods by reflection, once, when the API is built, and compiles
 * each into a plan. Every mistake (unnamed parameter, unknown path parameter, type that cannot
 * be read, missing or circular dependency, two bodies) fails here with the method named.
 */
final class PlanCompiler {
  private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)(?::[a-z]+)?}");

  private final ShapeCompiler shapes;
  private final Map<Class<?>, ProviderPlan> providers = new LinkedHashMap<>();
  private final Set<ProviderPlan> compiling = new HashSet<>();
  private final FormLimits formLimits;
  private final boolean strictContentType;

  PlanCompiler(FormLimits formLimits, boolean strictContentType, Clock clock) {
    this.shapes = new ShapeCompiler(clock);
    this.formLimits = formLimits;
    this.strictContentType = strictContentType;
  }

  /** Registers the {@link Provides} methods of {@code target}; they are compiled when first used. */
  void provider(Object target) {
    noDocOn(target.getClass(), "provider");
    boolean any = false;
    for (Method m : sorted(target.getClass())) {
      Provides p = m.getAnnotation(Provides.class);
      if (p == null) {
        continue;
      }
      any = true;
      Class<?> type = providedType(m);
      ProviderPlan plan = new ProviderPlan(type, m, providers.size(), p.cached(), target);
      ProviderPlan before = providers.putIfAbsent(type, plan);
      if (before != null) {
        throw new IllegalArgumentException(type.getSimpleName() + " is provided twice: by " + before.name()
            + " and by " + plan.name());
      }
    }
    if (!any) {
      throw new IllegalArgumentException(target.getClass().getName() + " has no @Provides method");
    }
  }

  int providerCount() {
    return providers.size();
  }

  /**
   * The plans of every annotated handler method of {@code controller} in {@code scope} (its
   * groups' prefix, tags, dependencies and responses), literal paths before templates.
   */
  List<RoutePlan> routes(Object controller, GroupScope scope) {
    noDocOn(controller.getClass(), "controller");
    List<RoutePlan> out = new ArrayList<>();
    for (Method m : sorted(controller.getClass())) {
      String[] route = route(m);
      if (route != null) {
        out.add(route(controller, m, route[0], joined(scope, route[1], route[0], m), Integer.parseInt(route[2]),
            scope));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(controller.getClass().getName()
          + " has no @Get, @Post, @Put, @Patch or @Delete method");
    }
    // The JVM lists methods in no particular order; a literal segment goes before a parameter in
    // the same place, so /items/search is tried before /items/{item_id} (FastAPI: declare it first).
    out.sort((a, b) -> specificity(a.path, b.path));
    return out;
  }

  /**
   * Fails for {@link Doc} on a controller or provider class: only a record's or an enum's is
   * written into the document, so on any other class it would be silently ignored.
   */
  private static void noDocOn(Class<?> type, String role) {
    if (type.isAnnotationPresent(Doc.class) && !type.isRecord() && !type.isEnum()) {
      throw new IllegalArgumentException("@Doc on " + role + " " + type.getName() + " documents nothing: it goes"
          + " on a record, an enum, a record component or a parameter read from the request");
    }
  }

  /** The groups' prefix joined with the route's path: FastAPI's {@code prefix + path}. */
  private static String joined(GroupScope scope, String path, String httpMethod, Method m) {
    String where = httpMethod + " \"" + path + "\" (" + m.getDeclaringClass().getSimpleName() + "." + m.getName()
        + ")" + scope.where();
    if (path.isEmpty() && scope.prefix().isEmpty()) {
      throw new IllegalArgumentException(where + ": the path is empty; outside a prefixed group it must start"
          + " with '/'");
    }
    if (!path.isEmpty() && !path.startsWith("/")) {
      throw new IllegalArgumentException(where + ": the path must start with '/' (or be \"\" for the group's"
          + " prefix itself)");
    }
    return scope.prefix() + path;
  }

  private static int specificity(String a, String b) {
    String[] x = a.split("/");
    String[] y = b.split("/");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      boolean px = x[i].startsWith("{");
      boolean py = y[i].startsWith("{");
      if (px != py) {
        return px ? 1 : -1;
      }
    }
    return 0;
  }

  private RoutePlan route(Object target, Method m, String httpMethod, String path, int status, GroupScope scope) {
    String where = httpMethod + " " + path + " (" + m.getDeclaringClass().getSimpleName() + "." + m.getName() + ")";
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException(where + ": status " + status + " is not an HTTP status");
    }
    Set<String> templateParams = new HashSet<>();
    Matcher matcher = TEMPLATE_PARAM.matcher(path);
    while (matcher.find()) {
      templateParams.add(matcher.group(1));
    }
    Type returns = m.getGenericReturnType();
    boolean async = CompletionStage.class.isAssignableFrom(m.getReturnType());
    Type value = async ? argument(returns, where) : returns;
    Binder[] binders = binders(m, where, templateParams, null);
    List<ProviderPlan> required = new ArrayList<>();
    List<Class<?>> requires = new ArrayList<>(scope.requires()); // the app's, then the groups', outer first
    Requires onClass = m.getDeclaringClass().getAnnotation(Requires.class);
    if (onClass != null) {
      requires.addAll(List.of(onClass.value()));
    }
    Requires onMethod = m.getAnnotation(Requires.class);
    if (onMethod != null) {
      requires.addAll(List.of(onMethod.value()));
    }
    for (Class<?> r : requires) {
      required.add(dependency(r, where));
    }
    List<String> scopes = new ArrayList<>(scope.scopes()); // the groups', then the class's and method's
    for (String s : declaredScopes(m)) {
      if (!scopes.contains(s)) {
        scopes.add(s);
      }
    }
    RouteScopes routeScopes = RouteScopes.of(scopes, required, binders, where);
    RouteInputs inputs = RouteInputs.of(binders, required);
    pathBound(where, templateParams, inputs);
    if (inputs.formFields.size() > 1 && inputs.formFields.stream().anyMatch(b -> b instanceof Binder.FormRecord)) {
      throw new IllegalArgumentException(where + ": a record read from a form is the whole form; put the other"
          + " fields in it");
    }
    if (inputs.embedsBodies() && inputs.bodies.stream().anyMatch(b -> b.name() == null)) {
      throw new IllegalArgumentException(where + ": its bodies are embedded, each under its parameter's name, and one"
          + " (a dependency's) has none: compile with -parameters");
    }
    if (inputs.readsForm() && !inputs.bodies.isEmpty()) {
      throw new IllegalArgumentException(where + ": a request has one body: read it as JSON (@Body) or as a form"
          + " (@FormField, UploadFile), not both");
    }
    boolean optional = value instanceof ParameterizedType pt && pt.getRawType() == Optional.class;
    boolean nullWhenEmpty = m.isAnnotationPresent(NullWhenEmpty.class);
    if (nullWhenEmpty && !optional) {
      throw new IllegalArgumentException(where + ": @NullWhenEmpty needs an Optional return type");
    }
    return new RoutePlan(httpMethod, path, status, m, async, responseShape(value, nullWhenEmpty), binders,
        order(binders), required, Invoker.of(m, target, where), providers.size(),
        inputs.readsForm() ? formLimits : null, optional, nullWhenEmpty, declared(m, where, status, scope),
        tags(m, scope), routeScopes);
  }

  /** The scopes a handler or provider method's {@link Scopes} and its class's require, the class's first. */
  static List<String> declaredScopes(Method m) {
    List<String> out = new ArrayList<>();
    String where = m.getDeclaringClass().getSimpleName() + "." + m.getName();
    for (Scopes s : new Scopes[] {m.getDeclaringClass().getAnnotation(Scopes.class), m.getAnnotation(Scopes.class)}) {
      if (s != null) {
        for (String name : s.value()) {
          if (!out.contains(scopeName(name, where))) {
            out.add(name);
          }
        }
      }
    }
    return List.copyOf(out);
  }

  /** An OAuth2 scope-token (RFC 6749 3.3): printable ASCII without space, '"' or '\'. */
  static String scopeName(String name, String where) {
    if (name == null || name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')) {
      throw new IllegalArgumentException(where + ": scope " + (name == null ? "null" : "'" + name + "'")
          + " is not an OAuth2 scope (printable ASCII, no space, '\"' or '\\')");
    }
    return name;
  }

  /**
   * Every parameter of the path is read by the method or a dependency (a group's reads its
   * prefix's), and every dependency's {@code @Path} is in the path.
   */
  private static void pathBound(String where, Set<String> templateParams, RouteInputs inputs) {
    for (ProviderPlan pp : inputs.providers) {
      for (Binder b : pp.binders()) {
        if (b instanceof Binder.Text t && t.source() == Binder.Source.PATH && !templateParams.contains(t.name())) {
          throw new IllegalArgumentException(where + ": its dependency @Provides " + pp.name() + " reads @Path '"
              + t.name() + "', which is not in the path (a dependency's @Path is the snake_case name unless named:"
              + " @Path(\"name\"))");
        }
      }
    }
    Set<String> unbound = new java.util.TreeSet<>(templateParams);
    for (Binder.Text t : inputs.params) {
      if (t.source() == Binder.Source.PATH) {
        unbound.remove(t.name());
      }
    }
    if (!unbound.isEmpty()) {
      throw new IllegalArgumentException(where + ": path parameters " + unbound + " are not bound to any"
          + " parameter of the method or its dependencies");
    }
  }

  /** The groups' tags, outer first, then the route's own; each once. */
  private static List<String> tags(Method m, GroupScope scope) {
    Set<String> out = new LinkedHashSet<>(scope.tags());
    Operation about = m.getAnnotation(Operation.class);
    if (about != null) {
      out.addAll(List.of(about.tags()));
    }
    return List.copyOf(out);
  }

  /** The response's shape for the document, if its type has one (a {@link Response} or void has none). */
  private Optional<Shape> responseShape(Type t, boolean nullWhenEmpty) {
    if (t == void.class || t == Void.class || t == Response.class || t == Object.class) {
      return Optional.empty();
    }
    if (!nullWhenEmpty && t instanceof ParameterizedType p && p.getRawType() == Optional.class) {
      t = p.getActualTypeArguments()[0]; // an empty Optional is a 404, not a null
    }
    try {
      return Optional.of(shapes.shape(t, new Annotation[0], "response"));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // any type Jackson writes may be returned; only readable ones are documented
    }
  }

  /**
   * The route's declared responses: its groups' then its {@link ExtraResponse}s, each status once
   * (a route's replaces its group's, as FastAPI merges them) and none the route's own status.
   */
  private List<DeclaredResponse> declared(Method m, String where, int status, GroupScope scope) {
    Map<Integer, DeclaredResponse> out = new LinkedHashMap<>();
    for (GroupScope.Response r : scope.responses()) {
      if (r.status() != status) {
        out.put(r.status(), declared(r.status(), r.model(), r.description(), where + " (group response)"));
      }
    }
    Set<Integer> seen = new HashSet<>(Set.of(status));
    for (ExtraResponse r : m.getAnnotationsByType(ExtraResponse.class)) {
      if (r.status() < 100 || r.status() > 599) {
        throw new IllegalArgumentException(where + ": @ExtraResponse status " + r.status() + " is not an HTTP status");
      }
      if (!seen.add(r.status())) {
        throw new IllegalArgumentException(where + ": response " + r.status() + " is declared twice");
      }
      out.put(r.status(), declared(r.status(), r.model(), r.description(), where));
    }
    return List.copyOf(out.values());
  }

  private DeclaredResponse declared(int status, Class<?> model, String description, String where) {
    Optional<Shape> shape = Optional.empty();
    if (model == Object.class) { // any JSON says nothing: leave model out for a response without a body
      throw new IllegalArgumentException(where + ": @ExtraResponse(status = " + status + ") model Object has no"
          + " schema (use a record, enum, String or number)");
    }
    if (model != void.class && model != Void.class) {
      try {
        shape = Optional.of(shapes.shape(model, new Annotation[0], where + " @ExtraResponse"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": @ExtraResponse(status = " + status + ") model "
            + model.getSimpleName() + " has no schema (use a record, enum, String or number)", e);
      }
    }
    return new DeclaredResponse(status, description.isEmpty() ? StatusPhrase.of(status) : description, shape);
  }

  /** The record or map {@code shape} is or holds (in an Optional, a List, a constraint), or null. */
  private static Shape structured(Shape shape) {
    return switch (shape) {
      case OptionalShape o -> structured(o.inner());
      case ListShape l -> structured(l.element());
      case Constrained c -> structured(c.inner());
      case RecordShape r -> r;
      case MapShape m -> m;
      default -> null;
    };
  }

  /** {@code Optional<List<Period>>}: a parameter's type for a message, without packages. */
  private static String shortName(Type t) {
    if (t instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
      StringJoiner args = new StringJoiner(", ", raw.getSimpleName() + "<", ">");
      for (Type a : pt.getActualTypeArguments()) {
        args.add(shortName(a));
      }
      return args.toString();
    }
    return t instanceof Class<?> c ? c.getSimpleName() : t.getTypeName();
  }

  /** {@code owner}: the provider whose parameters these are, null for a handler's. */
  private Binder[] binders(Method m, String where, Set<String> templateParams, ProviderPlan owner) {
    Parameter[] params = m.getParameters();
    Binder[] out = new Binder[params.length];
    int bodies = 0;
    for (int i = 0; i < params.length; i++) {
      Parameter p = params[i];
      String at = where + " parameter " + i + " (" + p.getType().getSimpleName() + ")";
      out[i] = binder(p, at, templateParams, owner);
      if (out[i] instanceof Binder.Body) {
        bodies++;
      }
    }
    if (bodies > 1) { // FastAPI embeds each under its name: {"item": {...}, "user": {...}}
      for (int i = 0; i < out.length; i++) {
        if (out[i] instanceof Binder.Body b) {
          javaName(params[i], where + " parameter " + i); // its name is its member's
          out[i] = b.embed();
        }
      }
    }
    return out;
  }

  private Binder binder(Parameter p, String at, Set<String> templateParams, ProviderPlan owner) {
    Binder b = binder(p, at, templateParams);
    Scopes scopes = p.getAnnotation(Scopes.class);
    if (b instanceof Binder.ScopesOf && scopes == null) {
      return new Binder.ScopesOf(owner);
    }
    if (scopes == null) {
      return b;
    }
    if (!(b instanceof Binder.Dependency d)) {
      throw new IllegalArgumentException(at + ": @Scopes goes on a dependency parameter (or the method), not on"
          + " one read from the request");
    }
    List<String> names = new ArrayList<>();
    for (String s : scopes.value()) {
      if (!names.contains(scopeName(s, at))) {
        names.add(s);
      }
    }
    return new Binder.Dependency(d.provider(), List.copyOf(names));
  }

  private Binder binder(Parameter p, String at, Set<String> templateParams) {
    Annotation[] annotations = p.getAnnotations();
    Path path = p.getAnnotation(Path.class);
    Query query = p.getAnnotation(Query.class);
    Header header = p.getAnnotation(Header.class);
    Cookie cookie = p.getAnnotation(Cookie.class);
    Body body = p.getAnnotation(Body.class);
    FormField form = p.getAnnotation(FormField.class);
    int sources = (path != null ? 1 : 0) + (query != null ? 1 : 0) + (header != null ? 1 : 0)
        + (cookie != null ? 1 : 0) + (body != null ? 1 : 0) + (form != null ? 1 : 0);
    if (sources > 1) {
      throw new IllegalArgumentException(at + ": one source per parameter (@Path, @Query, @Header, @Cookie, @Body"
          + " or @FormField)");
    }
    Doc doc = p.getAnnotation(Doc.class);
    String named = p.isNamePresent() ? at + " '" + p.getName() + "'" : at; // the parameter, for messages
    ValueDoc valueDoc = ValueDoc.of(doc, named);
    Binder.Upload.Arity upload = uploadArity(p.getParameterizedType());
    if (upload != null) {
      if (sources > 0 && form == null) {
        throw new IllegalArgumentException(at + ": an UploadFile comes from a multipart form; mark it @FormField or"
            + " leave it unmarked");
      }
      if (p.getAnnotation(Default.class) != null) {
        throw new IllegalArgumentException(at + ": an upload takes no default; make it Optional<UploadFile>");
      }
      String explicit = form == null ? "" : form.value();
      return new Binder.Upload(explicit.isEmpty() ? javaName(p, at) : explicit, upload, valueDoc);
    }
    if (sources == 0 && doc != null) {
      throw new IllegalArgumentException(at + ": @Doc describes a value read from the request (@Path, @Query, @Header,"
          + " @Cookie, @FormField or @Body); this parameter is not one");
    }
    if (sources == 0) {
      if (p.getType() == Request.class) {
        return new Binder.RequestItself();
      }
      if (p.getType() == BackgroundTasks.class) {
        return new Binder.Background();
      }
      if (p.getType() == SecurityScopes.class) {
        return new Binder.ScopesOf(null);
      }
      return new Binder.Dependency(dependency(p.getType(), at), List.of());
    }
    Shape shape = shapes.shape(p.getAnnotatedType(), annotations, at);
    Default d = p.getAnnotation(Default.class);
    if (body != null) {
      RecordShape.Field f = d != null ? shapes.withDefault("body", shape, d.value(), at)
          : new RecordShape.Field("body", shape, shape instanceof OptionalShape ? Optional.empty()
              : RecordShape.Field.REQUIRED, null);
      if (body.embed()) {
        javaName(p, at); // its name is its member's
      }
      return new Binder.Body(p.isNamePresent() ? p.getName() : null, shape, f.fallback(), f.documentedDefault(),
          body.embed(), strictContentType, valueDoc);
    }
    if (shape instanceof Constrained c && c.inner() instanceof RecordShape && form != null) {
      throw new IllegalArgumentException(at + ": a record read from a form takes no constraint on its parameter;"
          + " put it on the record class, which checks the record wherever it is read");
    }
    if (shape instanceof RecordShape record && form != null) {
      if (d != null) {
        throw new IllegalArgumentException(at + ": a record read from a form takes no default");
      }
      if (doc != null) {
        throw new IllegalArgumentException(at + ": a record read from a form is documented as the record: put @Doc"
            + " on the record and its components");
      }
      return new Binder.FormRecord(record);
    }
    // Text has no fields or keys: a record or map anywhere in it could never be read, so every
    // request would be a 422. FastAPI refuses them for a path or query parameter too.
    Shape structured = structured(shape);
    if (structured != null) {
      String type = shortName(p.getParameterizedType());
      boolean bare = structured == shape || shape instanceof Constrained c && c.inner() == structured;
      String held = bare ? "" : " (" + type + " holds " + (structured instanceof RecordShape
          ? "record " + structured.type().getSimpleName() : "a Map") + ")";
      if (structured instanceof MapShape) {
        throw new IllegalArgumentException(named + ": a Map comes from the JSON body (@Body)" + held);
      }
      if (form != null) {
        throw new IllegalArgumentException(named + ": a record comes from the body (@Body) or, declared bare"
            + " (@FormField " + structured.type().getSimpleName() + "), is the whole form; one form field is text"
            + held);
      }
      throw new IllegalArgumentException(named + ": a record comes from the body (@Body) or a form (@FormField), not"
          + " from " + (path != null ? "the path" : query != null ? "the query" : header != null ? "a header"
          : "a cookie") + held);
    }
    if (form != null) {
      String name = form.value().isEmpty() ? javaName(p, at) : form.value();
      SchemaFormat format = p.getAnnotation(SchemaFormat.class);
      String fmt = format == null ? null : format.value();
      if (d != null) {
        RecordShape.Field f = shapes.withDefault(name, shape, d.value(), at);
        return new Binder.FormValue(name, shape, f.fallback(), f.documentedDefault(), fmt, valueDoc);
      }
      return new Binder.FormValue(name, shape,
          shape instanceof OptionalShape ? Optional.empty() : RecordShape.Field.REQUIRED, null, fmt, valueDoc);
    }
    Binder.Source source = path != null ? Binder.Source.PATH : query != null ? Binder.Source.QUERY
        : header != null ? Binder.Source.HEADER : Binder.Source.COOKIE;
    String explicit = path != null ? path.value() : query != null ? query.value()
        : header != null ? header.value() : cookie.value();
    String name = explicit.isEmpty() ? javaName(p, at) : explicit;
    if (source == Binder.Source.HEADER) {
      name = explicit.isEmpty() ? headerName(name) : explicit; // as written, as FastAPI keeps an alias (lookups ignore case)
    }
    if (source == Binder.Source.PATH) {
      if (templateParams == null) { // a dependency's: checked against each route that uses it
        name = explicit.isEmpty() ? snake(name) : name;
      } else if (!templateParams.contains(name) && explicit.isEmpty() && templateParams.contains(snake(name))) {
        name = snake(name);
      }
      if (templateParams != null && !templateParams.contains(name)) {
        throw new IllegalArgumentException(at + ": @Path '" + name + "' is not in the path template");
      }
      if (d != null || shape instanceof OptionalShape) {
        throw new IllegalArgumentException(at + ": a path parameter is always present; it takes no default");
      }
    }
    Object fallback;
    JsonNode documented;
    if (d != null) {
      RecordShape.Field f = shapes.withDefault(name, shape, d.value(), at);
      fallback = f.fallback();
      documented = f.documentedDefault();
    } else if (shape instanceof OptionalShape) {
      fallback = Optional.empty();
      documented = null; // pydantic leaves a null default out of the schema
    } else {
      fallback = RecordShape.Field.REQUIRED;
      documented = null;
    }
    return new Binder.Text(source, name, shape, fallback, documented, valueDoc);
  }

  /** How many files an upload parameter takes, or null if it is not one. */
  private static Binder.Upload.Arity uploadArity(Type t) {
    if (t == UploadFile.class) {
      return Binder.Upload.Arity.ONE;
    }
    if (t instanceof ParameterizedType p && p.getActualTypeArguments()[0] == UploadFile.class) {
      if (p.getRawType() == List.class) {
        return Binder.Upload.Arity.LIST;
      }
      if (p.getRawType() == Optional.class) {
        return Binder.Upload.Arity.OPTIONAL;
      }
    }
    return null;
  }

  /** A provider's plan, compiled on first use; a cycle or a type nobody provides fails here. */
  private ProviderPlan dependency(Class<?> type, String at) {
    ProviderPlan plan = providers.get(type);
    if (plan == null && type == OAuth2PasswordForm.class) {
      // built in, registered on first use so other APIs keep an empty dependency cache; routes
      // compiled before never use it, so their smaller caches stay right
      provider(new OAuth2PasswordFormProvider());
      plan = providers.get(type);
    }
    if (plan == null) {
      throw new IllegalArgumentException(at + ": no @Provides method provides " + type.getName()
          + " (or mark the parameter @Path, @Query, @Header, @Cookie or @Body)");
    }
    if (!plan.completed()) {
      if (!compiling.add(plan)) {
        throw new IllegalArgumentException(at + ": dependency cycle through " + plan.name());
      }
      String where = "@Provides " + plan.name();
      Binder[] binders = binders(plan.method, where, null, plan); // its @Path is checked per route
      plan.complete(binders, order(binders), Invoker.of(plan.method, plan.target, where));
      compiling.remove(plan);
    }
    return plan;
  }

  /** FastAPI's order of solving: dependencies, then path, query, header, cookie, body parameters. */
  private static int[] order(Binder[] binders) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < binders.length; i++) {
      idx.add(i);
    }
    idx.sort(Comparator.comparingInt(i -> rank(binders[i])));
    return idx.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int rank(Binder b) {
    return switch (b) {
      case Binder.Dependency d -> 0;
      case Binder.Text t -> 1 + t.source().ordinal();
      case Binder.Body body -> 10;
      case Binder.FormValue f -> 10;
      case Binder.Upload u -> 10;
      case Binder.FormRecord r -> 10;
      case Binder.RequestItself r -> 11;
      case Binder.ScopesOf s -> 11;
      case Binder.Background r -> 12;
    };
  }

  private static String javaName(Parameter p, String at) {
    if (!p.isNamePresent()) {
      throw new IllegalArgumentException(at + " has no name: compile with -parameters or name it in its annotation"
          + " (@Query(\"limit\"))");
    }
    return p.getName();
  }

  /** {@code xApiKey} and {@code x_api_key} both read header {@code x-api-key}. */
  static String headerName(String javaName) {
    return snake(javaName).replace('_', '-');
  }

  /**
   * The Python-style name of a Java one: {@code itemId} → {@code item_id}; capitals in a row are
   * one word ({@code userID} → {@code user_id}, {@code getHTTPStatus} → {@code get_http_status}).
   */
  static String snake(String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c)) {
        char before = i > 0 ? name.charAt(i - 1) : '_';
        boolean wordEnds = Character.isUpperCase(before) && i + 1 < name.length()
            && Character.isLowerCase(name.charAt(i + 1)); // the S of HTTPStatus starts a word
        if (before != '_' && (!Character.isUpperCase(before) || wordEnds)) {
          b.append('_');
        }
        b.append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static Type argument(Type t, String where) {
    if (t instanceof ParameterizedType p) {
      return p.getActualTypeArguments()[0];
    }
    throw new IllegalArgumentException(where + ": say what the CompletionStage completes with");
  }

  private static Class<?> providedType(Method m) {
    if (m.getReturnType() == Provided.class) {
      Type t = m.getGenericReturnType();
      if (t instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
        return c;
      }
      throw new IllegalArgumentException(m + ": Provided needs a concrete type argument");
    }
    if (m.getReturnType() == void.class) {
      throw new IllegalArgumentException(m + ": a @Provides method must return what it provides");
    }
    return m.getReturnType();
  }

  /** {method, path, status} of a handler method, or null if it is not one. */
  private static String[] route(Method m) {
    Get g = m.getAnnotation(Get.class);
    Post po = m.getAnnotation(Post.class);
    Put pu = m.getAnnotation(Put.class);
    Patch pa = m.getAnnotation(Patch.class);
    Delete de = m.getAnnotation(Delete.class);
    List<String[]> found = new ArrayList<>();
    if (g != null) {
      found.add(new String[] {"GET", g.value(), String.valueOf(g.status())});
    }
    if (po != null) {
      found.add(new String[] {"POST", po.value(), String.valueOf(po.status())});
    }
    if (pu != null) {
      found.add(new String[] {"PUT", pu.value(), String.valueOf(pu.status())});
    }
    if (pa != null) {
      found.add(new String[] {"PATCH", pa.value(), String.valueOf(pa.status())});
    }
    if (de != null) {
      found.add(new String[] {"DELETE", de.value(), String.valueOf(de.status())});
    }
    if (found.size() > 1) {
      throw new IllegalArgumentException(m + ": one route annotation per method");
    }
    return found.isEmpty() ? null : found.get(0);
  }

  /** Declared methods in a stable order (the JVM's order is unspecified). */
  private static List<Method> sorted(Class<?> type) {
    List<Method> methods = new ArrayList<>(List.of(type.getDeclaredMethods()));
    methods.removeIf(Method::isSynthetic);
    methods.sort(Comparator.comparing(Method::getName).thenComparing(Method::toString));
    return methods;
  }
}

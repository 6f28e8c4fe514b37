package dev.lanes.typed;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.lanes.forms.Form;
import dev.lanes.forms.FormLimits;
import dev.lanes.http.HttpException;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.internal.app.UnsentBodies;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Everything about one typed route, compiled once when the API is built: the binders of its
 * parameters (in FastAPI's order: dependencies, path, query, header, cookie, body), the method
 * handle that calls it, and how its result becomes a response. The same plan serves requests
 * and the OpenAPI document.
 */
final class RoutePlan {
  final String httpMethod;
  final String path;
  final int status;
  final Method method;
  final boolean async;
  final Optional<Shape> responseShape;
  final Binder[] binders;
  final List<ProviderPlan> required;
  private final int[] order;
  private final boolean hasBody;
  private final boolean embedsBodies; // every @Body, the dependencies' too, is its member of the body
  private final Binder.Body onlyBody; // the handler's @Body when no dependency reads the body: streamed
  private final boolean strictContentType; // the API's, the same on every body binder
  private final Invoker invoker;
  private final int providers;
  private final FormLimits formLimits; // null: the route reads no form
  final boolean returnsOptional;
  final boolean nullWhenEmpty;
  final List<DeclaredResponse> declared;
  /** The document's tags: the groups', then the route's own. */
  final List<String> tags;
  /** The OAuth2 scopes reaching each dependency, for its {@link SecurityScopes} and the document. */
  final RouteScopes scopes;

  RoutePlan(String httpMethod, String path, int status, Method method, boolean async, Optional<Shape> responseShape,
      Binder[] binders, int[] order, List<ProviderPlan> required, Invoker invoker, int providers, FormLimits formLimits,
      boolean returnsOptional, boolean nullWhenEmpty, List<DeclaredResponse> declared, List<String> tags,
      RouteScopes scopes) {
    this.httpMethod = httpMethod;
    this.path = path;
    this.status = status;
    this.method = method;
    this.async = async;
    this.responseShape = responseShape;
    this.binders = binders;
    this.order = order;
    this.required = List.copyOf(required);
    this.invoker = invoker;
    this.providers = providers;
    this.formLimits = formLimits;
    this.returnsOptional = returnsOptional;
    this.nullWhenEmpty = nullWhenEmpty;
    this.declared = List.copyOf(declared);
    this.tags = List.copyOf(tags);
    this.scopes = scopes;
    // The handler's bodies and its dependencies': malformed JSON is reported alone, before any
    // dependency runs, whoever reads the body (as FastAPI parses it first).
    RouteInputs inputs = RouteInputs.of(binders, required);
    List<Binder.Body> bodies = inputs.bodies;
    this.hasBody = !bodies.isEmpty();
    this.embedsBodies = inputs.embedsBodies();
    this.onlyBody = bodies.size() == 1 && !embedsBodies ? bodies.get(0) : null; // embedded: a member of the tree
    this.strictContentType = bodies.isEmpty() || bodies.get(0).strictContentType();
  }

  /** Binds, calls and answers on this thread (a lane's, for a blocking handler). */
  Response handle(Request req) throws Exception {
    Binding b = new Binding(req, providers, scopes, embedsBodies);
    Response response;
    try {
      if (formLimits != null) {
        b.form(isForm(req) ? Form.read(req, formLimits) : Form.empty());
      }
      response = b.withBackground(respond(invoker.call(bind(b))));
    } catch (Exception | Error e) { // an HttpException propagates: the app's exception handler answers it
      Throwable end = b.handlerDone(e);
      if (end != e) {
        throw replacement(end); // a cleanup's HttpException (or Error) is the answer instead
      }
      throw e;
    }
    Throwable end = b.handlerDone(null);
    if (end != null) {
      dropped(req, response);
      throw replacement(end); // a cleanup's answer instead of the handler's
    }
    return response;
  }

  /** What an after-handler cleanup replaced the outcome with ({@link Binding#handlerDone}), to throw. */
  private static RuntimeException replacement(Throwable end) {
    if (end instanceof Error e) {
      throw e;
    }
    return (HttpException) end;
  }

  /**
   * A response a cleanup's {@code HttpException} (or {@code Error}) replaced is never returned, so neither the server
   * nor the request's tracking of returned responses sees it: its produced body (a cursor, a file
   * behind a stream) is closed as any unsent body is, once, in its lane ({@link UnsentBodies}).
   */
  private static void dropped(Request req, Response r) {
    if (r != null && r.body() instanceof ResponseBody.Written w) {
      UnsentBodies.close(req.lanes(), w);
    }
  }

  /**
   * Binds and calls on the event loop; the handler's stage completes the response. A route that
   * reads a form has it parsed in the {@code files} lane first (never blocking the loop), then
   * is bound and called back on the loop.
   */
  CompletionStage<Response> handleAsync(Request req) throws Exception {
    if (formLimits != null && isForm(req)) {
      CompletableFuture<Form> parsing = Form.readAsync(req, formLimits);
      var handling = new java.util.concurrent.atomic.AtomicReference<CompletionStage<Response>>();
      CompletableFuture<Response> answer = parsing.<CompletionStage<Response>>handle((form, error) -> {
        if (error != null) { // too large or malformed (413, 400): the app's exception handler answers
          return CompletableFuture.failedFuture(error);
        }
        try {
          CompletionStage<Response> stage = handleAsync(req, form);
          handling.set(stage);
          return stage;
        } catch (Exception e) {
          return CompletableFuture.failedFuture(e);
        }
      }).thenCompose(stage -> stage);
      answer.whenComplete((r, e) -> {
        if (answer.isCancelled()) {
          parsing.cancel(true); // the request ended (disconnect, deadline): stop the parse too
          if (handling.get() instanceof java.util.concurrent.Future<?> f) {
            f.cancel(true); // and the handler, if it was called
          }
        }
      });
      return answer;
    }
    return handleAsync(req, formLimits == null ? null : Form.empty());
  }

  private CompletionStage<Response> handleAsync(Request req, Form form) throws Exception {
    Binding b = new Binding(req, providers, scopes, embedsBodies);
    b.form(form);
    CompletionStage<?> stage;
    try {
      stage = (CompletionStage<?>) invoker.call(bind(b));
    } catch (Exception | Error e) { // an HttpException too: the app's exception handler answers it
      Throwable end = b.handlerDone(e);
      if (end != e) {
        throw replacement(end); // a cleanup's HttpException (or Error) is the answer instead
      }
      throw e;
    }
    if (stage == null) {
      var none = new IllegalStateException(method.getName() + " returned null instead of a CompletionStage");
      Throwable end = b.handlerDone(none);
      if (end != none) {
        throw replacement(end);
      }
      throw none;
    }
    // One callback on the stage itself decides the outcome, makes the response and ends the handler:
    // a second callback would race it (a stage runs its newest callback first) and tell the cleanups
    // "no failure" before the result turned out to be no response (a 404 for an empty Optional),
    // and a dependent of the stage never runs once the answer is cancelled (the client left).
    CompletableFuture<Response> answer = new CompletableFuture<>();
    stage.whenComplete((value, error) -> {
      Response r = null;
      Throwable failure = unwrapped(error);
      if (error == null) {
        try {
          r = b.withBackground(respond(value));
        } catch (RuntimeException e) { // a 404 for an empty Optional, a result Jackson cannot write
          failure = e;
        }
      }
      try {
        // before the answer completes: after-handler cleanups precede the response, and may replace it
        failure = b.handlerDone(failure);
      } finally {
        if (failure == null) {
          if (!answer.complete(r)) {
            dropped(req, r); // the request was abandoned first: nothing takes this response now
          }
        } else {
          dropped(req, r); // made, then replaced by a cleanup's HttpException or Error
          answer.completeExceptionally(failure instanceof java.util.concurrent.CompletionException
              ? failure : new java.util.concurrent.CompletionException(failure));
        }
      }
    });
    if (stage instanceof java.util.concurrent.Future<?> own) {
      // The request ended (disconnect, deadline) and cancels this answer: cancel the handler's own
      // stage too, so its after-response cleanups do not wait for a stage nobody will complete.
      answer.whenComplete((r, e) -> {
        if (answer.isCancelled()) {
          own.cancel(true);
        }
      });
    }
    return answer;
  }

  private Object[] bind(Binding b) throws Exception {
    try {
      return bindAndCheck(b);
    } catch (ProviderPlan.DependencyException e) {
      // A dependency's checked exception, as thrown: the app's handler for its type answers it.
      throw (Exception) e.getCause();
    }
  }

  private Object[] bindAndCheck(Binding b) {
    if (hasBody && !(onlyBody != null ? Binder.Body.prepare(b, onlyBody) : Binder.Body.prepare(b, strictContentType))) {
      throw new RequestValidationException(b.violations.list());
    }
    for (ProviderPlan p : required) {
      p.provide(b);
    }
    Object[] args = bindAll(binders, order, b);
    if (args == null || b.violations.any()) {
      throw new RequestValidationException(b.violations.list());
    }
    return args;
  }

  /** Binds every parameter in {@code order}; null if any did not fit (their errors are reported). */
  static Object[] bindAll(Binder[] binders, int[] order, Binding b) {
    Object[] args = new Object[binders.length];
    boolean ok = true;
    for (int i : order) {
      Object v = binders[i].bind(b);
      ok &= v != Shape.INVALID;
      args[i] = v;
    }
    return ok ? args : null;
  }

  /** A stage's failure as its handler threw it: a {@code CompletionException}'s cause. */
  private static Throwable unwrapped(Throwable error) {
    return error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
  }

  private Response respond(Object result) {
    if (result instanceof Response r) {
      return r;
    }
    if (status == 204) {
      return Response.status(204);
    }
    if (result instanceof Optional<?> o) {
      if (o.isEmpty() && !nullWhenEmpty) {
        throw new HttpException(404, "Not Found");
      }
      result = o.orElse(null);
    }
    Response r = Response.json(result == null ? NullNode.instance : result);
    return status == 200 ? r : r.withStatus(status);
  }

  /** Whether the body is a form; any other (JSON, none) binds as an empty form, as Starlette reads it. */
  private static boolean isForm(Request req) {
    String type = req.header("content-type").orElse("").toLowerCase(java.util.Locale.ROOT);
    return type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded");
  }

  String name() {
    return httpMethod + " " + path;
  }
}

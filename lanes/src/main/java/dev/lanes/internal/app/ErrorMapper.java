package dev.lanes.internal.app;

import dev.lanes.concurrency.LaneRejectedException;
import dev.lanes.http.HttpException;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.internal.http.StreamedBodyFailure;
import dev.lanes.internal.http.UnhandledError;
import dev.lanes.routing.Endpoint;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Turns a failed request into the response to send: the app's exception handlers first (most
 * specific type wins), then {@link HttpException} → its status and headers, a lane's refusal →
 * 503 with {@code Retry-After}, a streamed request body the client sent wrong
 * ({@link StreamedBodyFailure}, maybe as the cause of another exception) → its 4xx, anything else
 * → a logged 500 with no details for the client.
 * A request whose failure no handler took (the logged 500, or the handler for {@code Exception}
 * or {@code Throwable}: Starlette's server-error handler) is marked {@link UnhandledError} in its
 * state for the middleware around it.
 */
public final class ErrorMapper {
  private static final System.Logger LOG = System.getLogger(ErrorMapper.class.getName());
  private static final Response INTERNAL_ERROR = Response.text(500, "Internal Server Error");

  private final Map<Class<? extends Throwable>, Function<Throwable, Response>> handlers;

  public ErrorMapper(Map<Class<? extends Throwable>, Function<Throwable, Response>> handlers) {
    this.handlers = Map.copyOf(handlers);
  }

  /** The response for {@code error}, raised while serving {@code where} (a route name, for logs). */
  public Response toResponse(Throwable error, String where) {
    Throwable t = unwrap(error);
    Class<?> handled = handledAs(t.getClass());
    if (handled != null) {
      Function<Throwable, Response> custom = handlers.get(handled);
      try {
        Response r = custom.apply(t);
        if (r != null) {
          return r;
        }
        LOG.log(Level.ERROR, "exception handler for " + t.getClass().getName() + " returned null at " + where);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "exception handler for " + t.getClass().getName() + " failed at " + where, e);
      }
      return INTERNAL_ERROR;
    }
    return switch (t) {
      case HttpException he -> {
        Response r = Response.text(he.status(), he.getMessage());
        for (Map.Entry<String, String> h : he.headers().entrySet()) {
          r = r.withHeader(h.getKey(), h.getValue());
        }
        yield r;
      }
      case LaneRejectedException lr -> Response.text(503, "Service Unavailable: " + switch (lr.reason()) {
        case QUEUE_FULL -> "too many requests waiting";
        case WAIT_TIMEOUT -> "waited too long for capacity";
        case CLOSED -> "shutting down";
        case SERVER_BUSY -> "server at its concurrency limit";
      }).withHeader("Retry-After", "1");
      case CancellationException ce -> Response.text(503, "Service Unavailable: request cancelled");
      default -> {
        // A streamed body the client sent wrong: its status, as the body read whole would get.
        StreamedBodyFailure bad = StreamedBodyFailure.in(t);
        if (bad != null) {
          yield Response.text(bad.status(), bad.getMessage());
        }
        LOG.log(Level.ERROR, "unhandled error in " + where, t);
        yield INTERNAL_ERROR;
      }
    };
  }

  /**
   * {@code inner} with its failures (thrown, failed future, null response) turned into responses,
   * so the middleware around it sees every outcome as a response. Each response a layer returns
   * is tracked ({@link UnsentBodies}): the layer around it may answer with another.
   */
  public Endpoint recovering(Endpoint inner, String where) {
    return req -> {
      CompletableFuture<Response> f;
      try {
        f = inner.call(req);
      } catch (RuntimeException | Error e) {
        return CompletableFuture.completedFuture(UnsentBodies.track(req, answer(req, e, where)));
      }
      if (f == null) {
        return CompletableFuture.completedFuture(
            answer(req, new IllegalStateException("endpoint returned null instead of a future"), where));
      }
      if (f.isDone() && !f.isCompletedExceptionally() && f.getNow(null) != null) {
        UnsentBodies.track(req, f.getNow(null)); // the layer around may answer with another
        return f; // the common case: no extra stage
      }
      Recovered recovered = new Recovered(this, req, where);
      f.whenComplete(recovered);
      return recovered;
    };
  }

  /**
   * The response a layer's future settles as. It watches that future itself, not through
   * {@code handle}: a stage's function is skipped once the stage's own future is done, and the
   * layer around may complete this one first (its {@code orTimeout}), yet a value that comes later
   * must still be tracked, or its unsent body keeps its source open. One object for the future and
   * its action: with 10 000 requests asleep, each young collection copies every stage they hold.
   */
  private static final class Recovered extends CompletableFuture<Response>
      implements BiConsumer<Response, Throwable> {
    private final ErrorMapper errors;
    private final Request req;
    private final String where;

    Recovered(ErrorMapper errors, Request req, String where) {
      this.errors = errors;
      this.req = req;
      this.where = where;
    }

    @Override
    public void accept(Response r, Throwable e) {
      if (isDone()) { // answered (or cancelled) around it: only the late value is left to track
        UnsentBodies.track(req, r);
        return;
      }
      complete(UnsentBodies.track(req, e != null ? errors.answer(req, e, where) : r != null ? r
          : errors.answer(req, new IllegalStateException("handler returned null instead of a Response"), where)));
    }
  }

  /** {@link #toResponse}, marking {@code req} {@link UnhandledError} when no handler took the error. */
  private Response answer(Request req, Throwable error, String where) {
    Response r = toResponse(error, where);
    Throwable t = unwrap(error);
    Class<?> by = handledAs(t.getClass());
    // a handler for Exception itself is Starlette's server-error handler, run outside the middleware
    if (r == INTERNAL_ERROR || by == Exception.class || by == Throwable.class) {
      req.state().put(UnhandledError.class, new UnhandledError(t));
    }
    return r;
  }

  /** The type whose exception handler answers {@code type}, or null for the built-in answers. */
  private Class<?> handledAs(Class<?> type) {
    if (handlers.isEmpty()) {
      return null;
    }
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      if (handlers.containsKey(c)) {
        return c;
      }
      if (c == HttpException.class || c == LaneRejectedException.class) {
        // The built-in answer is HttpException's own handler, more specific than one for a
        // superclass (Exception): a catch-all keeps the router's 404 and 405, as in Starlette,
        // and a lane's refusal its 503 with Retry-After.
        return null;
      }
    }
    return null;
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}

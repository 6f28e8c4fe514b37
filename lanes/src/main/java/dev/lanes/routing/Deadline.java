package dev.lanes.routing;

import dev.lanes.concurrency.CancelScope;
import dev.lanes.http.HttpException;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bounds how long a request may take, from routing to response, lane wait included. When the
 * deadline passes first the request fails with {@link HttpException} 504 (exception handlers
 * may map it), its work is cancelled the way a disconnect cancels it (a queued task leaves its
 * lane's queue, a running blocking handler is interrupted, an async stage is cancelled) and its
 * {@link dev.lanes.http.RequestScope} is cancelled. Per route via {@link RouteOptions}, or for a
 * whole app as middleware.
 *
 * <pre>{@code App.builder().middleware(Deadline.of(Duration.ofSeconds(10))) }</pre>
 */
public final class Deadline implements Middleware {
  private final Duration limit;

  private Deadline(Duration limit) {
    if (!limit.isPositive()) {
      throw new IllegalArgumentException("deadline must be positive: " + limit);
    }
    this.limit = limit;
  }

  public static Deadline of(Duration limit) {
    return new Deadline(limit);
  }

  public Duration limit() {
    return limit;
  }

  @Override
  public Endpoint wrap(Endpoint next) {
    return req -> guard(next.call(req), req);
  }

  private CompletableFuture<Response> guard(CompletableFuture<Response> work, Request req) {
    if (work.isDone()) {
      return work;
    }
    // The returned future is what the server cancels on disconnect, so it is a new one wired
    // both ways to the work rather than a dependent stage (cancelling those reaches nothing).
    CompletableFuture<Response> result = new CompletableFuture<>();
    AtomicReference<HttpException> expired = new AtomicReference<>();
    CancelScope deadline = CancelScope.withTimeout(limit);
    deadline.onCancel(() -> {
      if (work.isDone() || result.isDone()) {
        return; // answered just in time: do not cancel a request whose response is on its way
      }
      HttpException timeout = new HttpException(504,
          "Gateway Timeout: no response within " + limit.toMillis() + " ms");
      expired.set(timeout);
      // Stop the work before answering, so the token is back when the client sees 504.
      work.cancel(true);
      req.scope().cancel();
      result.completeExceptionally(timeout);
    });
    work.whenComplete((r, e) -> {
      if (expired.get() != null) {
        result.completeExceptionally(expired.get());
      } else if (e == null) {
        result.complete(r);
      } else {
        result.completeExceptionally(e);
      }
    });
    result.whenComplete((r, e) -> {
      deadline.close();
      if (!work.isDone()) { // the client left: stop the work and free its token
        work.cancel(true);
        req.scope().cancel();
      }
    });
    return result;
  }
}

package dev.lanes.internal.app;

import dev.lanes.concurrency.Lane;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.internal.observe.LoopActivity;
import dev.lanes.routing.AsyncHandler;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.Endpoint;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The innermost endpoint of a route: where its handler runs follows from the handler's type
 * (docs/adr/0001). A blocking handler hops to its lane; an async one runs right here on the
 * event loop. Either way the handler's own future is registered with the request scope, so a
 * disconnect or deadline reaches it through any middleware that wraps the future.
 */
final class HandlerEndpoints {
  private HandlerEndpoints() {}

  static Endpoint blocking(BlockingHandler h, Lane lane) {
    return req -> {
      // Registered in the lane, as it returns: a request cancelled meanwhile (client gone,
      // deadline) drops the lane's value, and with it the only other sight of a streamed body.
      CompletableFuture<Response> work = lane.run(() -> UnsentBodies.track(req, h.handle(req)));
      req.scope().onCancel(() -> work.cancel(true));
      return work;
    };
  }

  static Endpoint async(AsyncHandler h, String routeName) {
    return req -> callAsync(h, routeName, req);
  }

  /** Runs an async handler on the loop, marking the loop as in it for the blocked-loop watchdog. */
  private static CompletableFuture<Response> callAsync(AsyncHandler h, String routeName, Request req) {
    LoopActivity loop = LoopActivity.enterHandler(routeName);
    try {
      CompletionStage<Response> stage = h.handle(req);
      if (stage == null) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("async handler returned null: " + routeName));
      }
      CompletableFuture<Response> work = stage.toCompletableFuture();
      if (!work.isDone()) { // a done future has nothing to cancel: no hook per answered-at-once request
        req.scope().onCancel(() -> {
          work.cancel(true);
          // Cancelled (client gone, deadline), the future drops a value the handler's own stage
          // may still produce (toCompletableFuture's copy of a stage that is not one): tracked
          // from that stage. Uncancelled, the error mapping around tracks whatever value comes, even
          // once the layer around answered first; so no stage per sleeping request here.
          stage.thenAccept(r -> UnsentBodies.track(req, r));
        });
      }
      return work;
    } catch (Exception | Error e) { // an assertion in an async handler is a 500, as in a blocking one
      return CompletableFuture.failedFuture(e);
    } finally {
      if (loop != null) {
        loop.exitHandler();
      }
    }
  }
}

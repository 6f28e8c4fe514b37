package dev.lanes.routing;

import dev.lanes.http.Request;
import dev.lanes.http.Response;
import java.util.concurrent.CompletionStage;

/**
 * A handler that never blocks: it runs on the connection's event loop and returns a stage that
 * completes with the response. Blocking inside it stalls every connection on that loop, and is
 * reported; hand blocking calls to a lane with {@code Concurrency.runBlocking}.
 *
 * <p>When the client leaves or the route's deadline passes, the returned stage is cancelled
 * ({@code cancel(true)} on its {@code toCompletableFuture()}) to stop its work. A future that other
 * requests share (a cache's entry, a memoised lookup) would be cancelled for all of them: return
 * {@code shared.copy()} instead, which is cancelled alone.
 *
 * <pre>{@code app.getAsync("/wait", req -> Concurrency.sleep(d).thenApply(v -> Response.text("done"))); }</pre>
 */
@FunctionalInterface
public non-sealed interface AsyncHandler extends Handler {
  CompletionStage<Response> handle(Request request) throws Exception;
}

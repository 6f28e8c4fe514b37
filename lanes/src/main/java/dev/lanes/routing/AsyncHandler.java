package dev.lanes.routing;

import dev.lanes.http.Request;
import dev.lanes.http.Response;
import java.util.concurrent.CompletionStage;

/**
 * A handler that never blocks: it runs on the connection's event loop and returns a stage that
 * completes with the response. Blocking inside it stalls every connection on that loop, and is
 * reported; hand blocking calls to a lane with {@code Concurrency.runBlocking}.
 *
 * <pre>{@code app.getAsync("/wait", req -> Concurrency.sleep(d).thenApply(v -> Response.text("done"))); }</pre>
 */
@FunctionalInterface
public non-sealed interface AsyncHandler extends Handler {
  CompletionStage<Response> handle(Request request) throws Exception;
}

package dev.lanes.routing;

import dev.lanes.http.Request;
import dev.lanes.http.Response;
import java.util.concurrent.CompletableFuture;

/**
 * The one internal shape of every endpoint, blocking or async, fixed when the app is built:
 * request in, future response out. It is always called on the event loop; a blocking handler's
 * endpoint hops to its lane. Middleware wraps this shape.
 */
@FunctionalInterface
public interface Endpoint {
  CompletableFuture<Response> call(Request request);
}

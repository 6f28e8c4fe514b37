package dev.lanes.routing;

import dev.lanes.http.Headers;
import dev.lanes.http.Response;

/**
 * Wraps every endpoint of an app; runs on the event loop, so it must not block.
 *
 * <pre>{@code
 * Middleware timing = next -> req -> next.call(req).thenApply(r -> r.withHeader("X-Served-By", "lanes"));
 * }</pre>
 */
@FunctionalInterface
public interface Middleware {
  Endpoint wrap(Endpoint next);

  /**
   * What this middleware makes of an answer the server gives a request from its head, before any
   * middleware runs: 413 for a body past {@code maxBodySize}, 417, 408 for a body that stopped
   * arriving, 503 when the server is full, 400 for a head it refuses. Asked of the app's
   * middleware only (innermost first, as answers pass out), on the event loop, with the request's
   * headers as sent; it must not block. By default the answer is left as it is; {@code Cors} adds
   * its headers, so a page sees the 413 rather than a CORS failure.
   *
   * <pre>{@code public Response refused(Headers request, Response answer) { return answer.withHeader("X-Served-By", "lanes"); }}</pre>
   */
  default Response refused(Headers request, Response answer) {
    return answer;
  }
}

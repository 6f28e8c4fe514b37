package dev.lanes.routing;

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
}

package dev.lanes.internal.app;

import dev.lanes.http.HttpException;
import dev.lanes.http.Response;
import dev.lanes.internal.http.RootPathValue;
import dev.lanes.routing.Endpoint;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What answers a request no route takes: 404 for an unknown path, 307 to the path with its
 * trailing slash added or removed when that one is a route's, 405 with {@code Allow} for a
 * known path and another method, 204 with {@code Allow} for {@code OPTIONS} (the automatic
 * preflight answer) and for {@code OPTIONS *}. Failures are {@link HttpException}s, so the app's
 * exception handlers and middleware see them as they see a handler's.
 */
final class Fallbacks {
  static final Endpoint NOT_FOUND = req -> CompletableFuture.failedFuture(new HttpException(404, "Not Found"));
  static final Endpoint SERVER_OPTIONS = req -> CompletableFuture.completedFuture(Response.status(204));

  private Fallbacks() {}

  /** For a path that exists with other methods. */
  static Endpoint otherMethods(String method, Set<String> allowed) {
    String allow = String.join(", ", allowed);
    if (method.equals("OPTIONS")) {
      return req -> CompletableFuture.completedFuture(Response.status(204).withHeader("Allow", allow));
    }
    return req -> CompletableFuture.failedFuture(
        new HttpException(405, "Method Not Allowed", Map.of("Allow", allow)));
  }

  /**
   * For a path whose twin with the trailing slash added or removed is a route's: 307 (the method
   * and body are kept, as Starlette's {@code redirect_slashes} does), query kept; under the
   * request's root path when the path arrived without it (a proxy stripped it).
   */
  static final Endpoint SLASH_TWIN = req -> {
    // Read from the request middleware passes on: a trusted proxy's prefix is in its rootPath.
    String path = RootPathValue.external(req.rootPath(), req.path(), req.encodedPath());
    String twin = path.endsWith("/") ? path.substring(0, path.length() - 1) : path + "/";
    String location = req.rawQuery().isEmpty() ? twin : twin + "?" + req.rawQuery();
    return CompletableFuture.completedFuture(Response.status(307).withHeader("Location", location));
  };

  /** For a request the router refused before any route ran (a path parameter it cannot take). */
  static Endpoint failing(HttpException e) {
    return req -> CompletableFuture.failedFuture(e);
  }
}

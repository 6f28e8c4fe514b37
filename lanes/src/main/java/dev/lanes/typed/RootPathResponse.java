package dev.lanes.typed;

import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.routing.AsyncHandler;
import dev.lanes.routing.Route;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A fixed answer that names the app's own URLs, so it depends on where the API is served: the
 * request's root path ({@code Request.rootPath()}) and the prefixes of the {@code Routes} parts the
 * API was included through ({@link TypedApi#part()}): the OpenAPI document's {@code servers}, the
 * docs pages' links. Built once for neither, and for another on its first request; the last one
 * built is kept, since an app behind a proxy sees one prefix (or a few) over and over.
 */
final class RootPathResponse {
  private final Function<String, Response> build;
  private final Response withoutRootPath;
  private volatile Built last; // the last built for a root path: one write, read without a lock

  private record Built(String rootPath, Response response) {}

  private RootPathResponse(Function<String, Response> build) {
    this.build = build;
    this.withoutRootPath = build.apply("");
  }

  /**
   * A GET route at {@code path} answering {@code build}'s response for where it is served (the
   * request's root path, then the prefixes of the parts it was included through), on the event loop.
   */
  static Route route(String path, Function<String, Response> build) {
    RootPathResponse answers = new RootPathResponse(build);
    return Route.of("GET", path, (AsyncHandler) req -> CompletableFuture.completedFuture(
        answers.forRootPath(req.rootPath() + partPrefix(req, path))));
  }

  /**
   * What the request's path has before {@code ownPath} (a literal path, as the API's document and
   * docs paths are), the request's root path taken off: the prefixes of the parts the route was
   * included through, percent-encoded as a URL carries them; {@code ""} when included in none.
   */
  static String partPrefix(Request req, String ownPath) {
    String encoded = req.encodedPath();
    if (!encoded.endsWith(ownPath)) {
      return ""; // a literal route matched a path that ends otherwise: cannot happen; say nothing
    }
    String prefix = encoded.substring(0, encoded.length() - ownPath.length());
    String root = req.rootPath();
    if (!root.isEmpty() && (prefix.equals(root) || prefix.startsWith(root + "/"))) {
      prefix = prefix.substring(root.length()); // the path arrived with the root path a proxy passed on
    }
    return prefix;
  }

  private Response forRootPath(String rootPath) {
    if (rootPath.isEmpty()) {
      return withoutRootPath;
    }
    Built b = last;
    if (b == null || !b.rootPath().equals(rootPath)) {
      b = new Built(rootPath, build.apply(rootPath)); // two racing builds make equal answers
      last = b;
    }
    return b.response();
  }
}

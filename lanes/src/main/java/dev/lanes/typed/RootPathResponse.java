package dev.lanes.typed;

import dev.lanes.http.Response;
import dev.lanes.routing.AsyncHandler;
import dev.lanes.routing.Route;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A fixed answer that names the app's own URLs, so it depends on the request's root path
 * ({@code Request.rootPath()}): the OpenAPI document's {@code servers}, the docs pages' links.
 * Built once for no root path, and for another on its first request; the last one built is kept,
 * since an app behind a proxy sees one prefix (or a few) over and over.
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

  /** A GET route at {@code path} answering {@code build}'s response for the request's root path, on the event loop. */
  static Route route(String path, Function<String, Response> build) {
    RootPathResponse answers = new RootPathResponse(build);
    return Route.of("GET", path, (AsyncHandler) req -> CompletableFuture.completedFuture(answers.forRootPath(req.rootPath())));
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

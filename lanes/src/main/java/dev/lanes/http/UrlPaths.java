package dev.lanes.http;

import java.util.Map;

/**
 * Builds the path of a named route (Starlette's {@code url_path_for}): the app serving a request
 * gives it one, so {@link Request#urlFor} works in handlers and middleware. A handler test may
 * build a request with its app's: {@code Request.builder("GET", "/").urlPaths(app::urlPathFor)}.
 *
 * <pre>{@code String path = paths.pathFor("read_item", Map.of("id", 5));  // "/items/5"}</pre>
 */
@FunctionalInterface
public interface UrlPaths {
  /**
   * The path of the route named {@code name} with {@code params} filled in, percent-encoded.
   *
   * @throws IllegalArgumentException if no route has the name, or a parameter is missing, extra or
   *     does not fit its segment's type
   */
  String pathFor(String name, Map<String, ?> params);
}

package dev.lanes.http;

import java.util.Map;

/**
 * Builds the path of a named route (Starlette's {@code url_path_for}): the app serving a request
 * gives it one, so {@link Request#urlFor} works in handlers and middleware. A handler test may
 * build a request with its app's: {@code Request.builder("GET", "/").urlPaths(app.urlPaths())}.
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

  /**
   * Whether the route named {@code name} is a WebSocket route, whose absolute URL
   * {@link Request#urlFor} gives as {@code ws://} ({@code wss://} for an {@code https} request), as
   * Starlette's {@code url_for} does. False unless said: a function that only gives paths
   * ({@code app::urlPathFor}) knows no WebSocket routes; an app's own ({@code App.urlPaths()}) does.
   *
   * <pre>{@code app.urlPaths().isWebSocket("chat")  // true for .websocket(path, WebSocketOptions.defaults().name("chat"), h)}</pre>
   */
  default boolean isWebSocket(String name) {
    return false;
  }
}

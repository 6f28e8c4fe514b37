package dev.lanes.typed;

import dev.lanes.http.Response;
import dev.lanes.routing.AsyncHandler;
import dev.lanes.routing.Route;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;

/**
 * What the docs pages ({@link SwaggerUi}, {@link Redoc}) share: fixed responses read once from a
 * webjar on the class path, so the pages work offline, and a clear failure when the jar is missing.
 */
final class DocsPage {
  private DocsPage() {}

  /** A GET route answering the same response every time, on the event loop. */
  static Route fixed(String path, Response response) {
    return Route.of("GET", path, (AsyncHandler) req -> CompletableFuture.completedFuture(response));
  }

  /**
   * {@code file} of the webjar {@code artifact} at {@code version}; {@code turnOff} names the
   * builder call that does without it, for the error when the jar is not on the class path.
   */
  static Response asset(String artifact, String version, String file, String contentType, String turnOff) {
    String path = "META-INF/resources/webjars/" + artifact + "/" + version + "/" + file;
    try (InputStream in = DocsPage.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(artifact + " " + version + " is not on the class path (" + path
            + "); add its webjar or turn the page off with " + turnOff);
      }
      return Response.bytes(in.readAllBytes(), contentType).withHeader("Cache-Control", "public, max-age=86400");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code s} safe inside HTML text and double-quoted attributes. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** {@code path} with a trailing slash, the base of a page's assets. */
  static String base(String path) {
    return path.endsWith("/") ? path : path + "/";
  }
}

package dev.lanes.typed;

import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.Route;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the docs pages ({@link SwaggerUi}, {@link Redoc}) share: files of a webjar on the class
 * path, so the pages work offline, and a clear failure at build when the jar is missing.
 */
final class DocsPage {
  private DocsPage() {}

  /**
   * A GET route at {@code path} serving {@code file} of the webjar {@code artifact} at
   * {@code version}. The file is read on the route's first request (a blocking handler, in the
   * {@code endpoints} lane) and kept: the bundles are megabytes an app should not hold, and its
   * young collections copy, until someone opens the docs. {@code turnOff} names the builder call
   * that does without the page, for the error when the jar is not on the class path.
   */
  static Route asset(String path, String artifact, String version, String file, String contentType, String turnOff) {
    String resource = "META-INF/resources/webjars/" + artifact + "/" + version + "/" + file;
    if (DocsPage.class.getClassLoader().getResource(resource) == null) {
      throw new IllegalStateException(artifact + " " + version + " is not on the class path (" + resource
          + "); add its webjar or turn the page off with " + turnOff);
    }
    Asset asset = new Asset(resource, contentType);
    return Route.of("GET", path, (BlockingHandler) req -> asset.response());
  }

  /** One webjar file, read once, by the first request that needs it. */
  private static final class Asset {
    private final String resource;
    private final String contentType;
    private final ReentrantLock reading = new ReentrantLock(); // not synchronized: virtual threads wait here
    private volatile Response response;

    Asset(String resource, String contentType) {
      this.resource = resource;
      this.contentType = contentType;
    }

    Response response() throws IOException {
      Response r = response;
      if (r != null) {
        return r;
      }
      reading.lock();
      try {
        if (response == null) {
          try (InputStream in = DocsPage.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
              throw new IOException("missing class path resource " + resource);
            }
            response = Response.bytes(in.readAllBytes(), contentType)
                .withHeader("Cache-Control", "public, max-age=86400");
          }
        }
        return response;
      } finally {
        reading.unlock();
      }
    }
  }

  /** {@code s} safe inside HTML text and double-quoted attributes. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /**
   * {@code s} safe inside a single-quoted JavaScript string in a {@code <script>}: quotes,
   * backslashes, {@code < > &} and controls as JavaScript's unicode escapes, so no value ends the
   * string or the script.
   */
  static String inScript(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029 || "'\"\\<>&".indexOf(c) >= 0) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** {@code path} with a trailing slash, the base of a page's assets. */
  static String base(String path) {
    return path.endsWith("/") ? path : path + "/";
  }
}

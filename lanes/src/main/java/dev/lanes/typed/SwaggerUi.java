package dev.lanes.typed;

import dev.lanes.http.Response;
import dev.lanes.routing.AsyncHandler;
import dev.lanes.routing.Route;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code /docs} page: Swagger UI from the {@code org.webjars:swagger-ui} jar, served by the
 * app itself so the docs work offline (no CDN). Its files are read once, when the API is built.
 */
final class SwaggerUi {
  static final String VERSION = "5.32.0";
  private static final String ROOT = "META-INF/resources/webjars/swagger-ui/" + VERSION + "/";

  private SwaggerUi() {}

  static List<Route> routes(String docsPath, String openApiPath, String title) {
    String base = docsPath.endsWith("/") ? docsPath : docsPath + "/";
    Response css = asset("swagger-ui.css", "text/css; charset=utf-8");
    Response js = asset("swagger-ui-bundle.js", "text/javascript; charset=utf-8");
    Response page = Response.html("""
        <!DOCTYPE html>
        <html>
        <head>
        <meta charset="utf-8">
        <title>%s - Swagger UI</title>
        <link type="text/css" rel="stylesheet" href="%sswagger-ui.css">
        </head>
        <body>
        <div id="swagger-ui"></div>
        <script src="%sswagger-ui-bundle.js"></script>
        <script>
        window.ui = SwaggerUIBundle({url: '%s', dom_id: '#swagger-ui', deepLinking: true,
          presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
          layout: 'BaseLayout'});
        </script>
        </body>
        </html>
        """.formatted(escape(title), base, base, openApiPath));
    return List.of(
        fixed(docsPath, page),
        fixed(base + "swagger-ui.css", css),
        fixed(base + "swagger-ui-bundle.js", js));
  }

  private static Route fixed(String path, Response response) {
    return Route.of("GET", path, (AsyncHandler) req -> CompletableFuture.completedFuture(response));
  }

  private static Response asset(String name, String contentType) {
    try (InputStream in = SwaggerUi.class.getClassLoader().getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("Swagger UI " + VERSION + " is not on the class path (org.webjars:swagger-ui);"
            + " add it or turn the docs off with docsPath(\"\")");
      }
      return Response.bytes(in.readAllBytes(), contentType).withHeader("Cache-Control", "public, max-age=86400");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}

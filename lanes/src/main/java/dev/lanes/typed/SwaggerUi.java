package dev.lanes.typed;

import dev.lanes.http.Response;
import dev.lanes.routing.Route;
import java.util.List;

/**
 * The {@code /docs} page: Swagger UI from the {@code org.webjars:swagger-ui} jar, served by the
 * app itself so the docs work offline (no CDN). Its files are read on their first request.
 */
final class SwaggerUi {
  static final String VERSION = "5.32.0";

  private SwaggerUi() {}

  static List<Route> routes(String docsPath, String openApiPath, String title) {
    String base = DocsPage.base(docsPath);
    // The page's links are under the request's root path: behind a proxy that serves the app
    // under /api, the browser fetches /api/openapi.json and /api/docs/swagger-ui.css.
    return List.of(
        RootPathResponse.route(docsPath, rootPath -> page(rootPath + base, rootPath + openApiPath, title)),
        asset(base, "swagger-ui.css", "text/css; charset=utf-8"),
        asset(base, "swagger-ui-bundle.js", "text/javascript; charset=utf-8"));
  }

  private static Response page(String base, String openApiUrl, String title) {
    return Response.html("""
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
        """.formatted(DocsPage.escape(title), DocsPage.escape(base), DocsPage.escape(base), DocsPage.inScript(openApiUrl)));
  }

  private static Route asset(String base, String name, String contentType) {
    return DocsPage.asset(base + name, "swagger-ui", VERSION, name, contentType, "docsPath(\"\")");
  }
}

package dev.lanes.typed;

import dev.lanes.http.Response;
import dev.lanes.routing.Route;
import java.util.List;

/**
 * The {@code /redoc} page: ReDoc's standalone bundle from the {@code org.webjars.npm:redoc} jar,
 * served by the app itself so the page works offline (no CDN, no web fonts). The bundle is read
 * on its first request.
 */
final class Redoc {
  static final String VERSION = "2.1.4";

  private Redoc() {}

  static List<Route> routes(String redocPath, String openApiPath, String title) {
    String base = DocsPage.base(redocPath);
    return List.of(RootPathResponse.route(redocPath, rootPath -> page(rootPath + base, rootPath + openApiPath, title)),
        DocsPage.asset(base + "redoc.standalone.js", "redoc", VERSION,
            "bundles/redoc.standalone.js", "text/javascript; charset=utf-8", "redocPath(\"\")"));
  }

  private static Response page(String base, String openApiUrl, String title) {
    return Response.html("""
        <!DOCTYPE html>
        <html>
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>%s - ReDoc</title>
        <style>body { margin: 0; padding: 0; }</style>
        </head>
        <body>
        <noscript>ReDoc needs JavaScript to show the documentation.</noscript>
        <redoc spec-url="%s"></redoc>
        <script src="%sredoc.standalone.js"></script>
        </body>
        </html>
        """.formatted(DocsPage.escape(title), DocsPage.escape(openApiUrl), DocsPage.escape(base)));
  }
}

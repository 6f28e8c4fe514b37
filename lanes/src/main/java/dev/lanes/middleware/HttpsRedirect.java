package dev.lanes.middleware;

import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.internal.http.RootPathValue;
import dev.lanes.routing.Endpoint;
import dev.lanes.routing.Middleware;
import java.util.concurrent.CompletableFuture;

/**
 * Answers every request that did not come over TLS ({@code Request.scheme()} is {@code http};
 * put {@link ProxyHeaders} outside it behind a TLS-terminating proxy) with {@code 308 Permanent
 * Redirect} to the same host, path and query over https, so the method and body are kept; a
 * WebSocket upgrade ({@code ws}) is sent to {@code wss}, and {@code OPTIONS *} to the https
 * origin alone ({@code https://host}: its target URI has an empty path).
 *
 * <pre>{@code App.builder().middleware(HttpsRedirect.toPort(8443)) }</pre>
 */
public final class HttpsRedirect implements Middleware {
  private final int port;

  private HttpsRedirect(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535: " + port);
    }
    this.port = port;
  }

  /** Redirects to the default https port, 443. */
  public static HttpsRedirect toDefaultPort() {
    return new HttpsRedirect(443);
  }

  /** Redirects to https on {@code port} (the server's TLS port, when it is not 443). */
  public static HttpsRedirect toPort(int port) {
    return new HttpsRedirect(port);
  }

  @Override
  public Endpoint wrap(Endpoint next) {
    return req -> {
      if (req.scheme().equals("https")) {
        return next.call(req);
      }
      String host = req.host().map(TrustedHost::withoutPort).orElse("");
      // No name, no redirect: "https:///path" sends a browser to the path's first segment.
      if (host.isEmpty()) {
        return CompletableFuture.completedFuture(Response.text(400, "Bad Request: no Host to redirect to"));
      }
      // WebSocket URLs are ws: or wss: (RFC 6455 3); clients that follow redirects want one (as Starlette).
      String scheme = isWebSocketUpgrade(req) ? "wss://" : "https://";
      String origin = scheme + host + (port == 443 ? "" : ":" + port);
      // OPTIONS * names the server: its target URI's path is empty (RFC 9112 3.3), not "*".
      String target = req.path().equals("*") ? origin
          : origin + RootPathValue.external(req.rootPath(), req.path(), req.encodedPath())
              + (req.rawQuery().isEmpty() ? "" : "?" + req.rawQuery());
      return CompletableFuture.completedFuture(Response.status(308).withHeader("Location", target));
    };
  }

  /** RFC 6455 4.2.1: {@code Upgrade} names {@code websocket}, case-insensitively. */
  private static boolean isWebSocketUpgrade(Request req) {
    for (String field : req.headers().all("upgrade")) {
      for (String token : field.split(",")) {
        if (token.strip().equalsIgnoreCase("websocket")) {
          return true;
        }
      }
    }
    return false;
  }
}

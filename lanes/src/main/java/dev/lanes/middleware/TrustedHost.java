package dev.lanes.middleware;

import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.routing.Endpoint;
import dev.lanes.routing.Middleware;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Answers 400 to a request whose host (its {@code Host} header, or what a trusted proxy
 * forwarded when {@link ProxyHeaders} wraps this) is not one of the allowed names, so a forged
 * {@code Host} cannot reach links, redirects or caches (Starlette's TrustedHostMiddleware). Names
 * match case-insensitively and without the port; {@code *.example.com} matches any subdomain of
 * example.com (not example.com itself).
 *
 * <pre>{@code App.builder().middleware(TrustedHost.of("example.com", "*.example.com")) }</pre>
 */
public final class TrustedHost implements Middleware {
  private static final Response INVALID = Response.text(400, "Invalid host header");

  private final List<String> exact;
  private final List<String> suffixes; // ".example.com" for "*.example.com"

  private TrustedHost(List<String> exact, List<String> suffixes) {
    this.exact = exact;
    this.suffixes = suffixes;
  }

  /** Allows only the given host names (or {@code *.domain} patterns); at least one. */
  public static TrustedHost of(String... hosts) {
    if (hosts.length == 0) {
      throw new IllegalArgumentException("TrustedHost needs at least one host name");
    }
    List<String> exact = new ArrayList<>();
    List<String> suffixes = new ArrayList<>();
    for (String h : hosts) {
      String host = h.strip().toLowerCase(Locale.ROOT);
      if (host.startsWith("*.") && host.length() > 2 && host.indexOf('*', 1) < 0) {
        suffixes.add(host.substring(1));
      } else if (!host.isEmpty() && host.indexOf('*') < 0 && (host.indexOf(':') < 0
          || host.startsWith("[") && host.indexOf(']') == host.length() - 1)) { // [::1], never [::1]:8000
        exact.add(host);
      } else {
        throw new IllegalArgumentException("not a host name or *.domain pattern (ports are not part of it): '" + h + "'");
      }
    }
    return new TrustedHost(List.copyOf(exact), List.copyOf(suffixes));
  }

  /** Whether {@code host} (as a Host header carries it, port allowed) is allowed. */
  public boolean allows(String host) {
    String name = withoutPort(host).toLowerCase(Locale.ROOT);
    if (exact.contains(name)) {
      return true;
    }
    for (String suffix : suffixes) {
      if (name.endsWith(suffix) && name.length() > suffix.length()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Endpoint wrap(Endpoint next) {
    // An answer, not an exception, so middleware outside this one (CORS) still sees a response.
    return req -> allows(req) ? next.call(req) : CompletableFuture.completedFuture(INVALID);
  }

  private boolean allows(Request req) {
    return req.host().map(this::allows).orElse(false);
  }

  static String withoutPort(String host) {
    if (host.startsWith("[")) { // [::1]:8000
      int close = host.indexOf(']');
      return close < 0 ? host : host.substring(0, close + 1);
    }
    int colon = host.lastIndexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }
}

package dev.lanes.testing;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The request a redirect leads to, as httpx (under Starlette's {@code TestClient}) and browsers
 * build it: 303 becomes a GET (a HEAD stays one), 301 and 302 turn only a POST into a GET, 307
 * and 308 keep the method and body. A request that becomes a GET loses its body and the
 * headers that described it. Only a redirect to the same origin is followed: the client must not
 * reach past the server under test.
 */
final class Redirect {
  private static final Set<Integer> STATUSES = Set.of(301, 302, 303, 307, 308);
  /** Headers of a body a request turned into a GET no longer has. */
  private static final Set<String> BODY_HEADERS = Set.of("content-type", "content-encoding",
      "content-language", "content-location");

  private Redirect() { }

  /** The request {@code response} redirects {@code request} to, or empty if it does not (or elsewhere). */
  static Optional<HttpRequest> next(HttpRequest request, HttpResponse<?> response) {
    if (!STATUSES.contains(response.statusCode())) {
      return Optional.empty();
    }
    Optional<String> location = response.headers().firstValue("location");
    if (location.isEmpty()) {
      return Optional.empty();
    }
    URI target;
    try {
      target = resolve(request.uri(), location.get().strip());
    } catch (IllegalArgumentException e) {
      throw new AssertionError("a " + response.statusCode() + " to an unreadable Location: "
          + location.get(), e);
    }
    if (!sameOrigin(request.uri(), target)) {
      return Optional.empty();
    }
    String method = method(response.statusCode(), request.method());
    boolean dropsBody = !method.equals(request.method());
    HttpRequest.Builder next = HttpRequest.newBuilder(request,
            (name, value) -> !(dropsBody && BODY_HEADERS.contains(name.toLowerCase(Locale.ROOT)))
                // the client's cookie jar says what this request carries, not the last one's header
                && !name.equalsIgnoreCase("cookie"))
        .uri(target);
    if (dropsBody) {
      next.GET();
    } else {
      next.method(method, request.bodyPublisher().orElse(HttpRequest.BodyPublishers.noBody()));
    }
    return Optional.of(next.build());
  }

  /**
   * {@code location} against {@code base} as RFC 3986 (section 5.2.2) resolves it, as httpx and
   * browsers do: {@code URI.resolve} follows RFC 2396, where a query alone ({@code ?page=2})
   * replaced the last path segment and an empty reference named the directory.
   */
  private static URI resolve(URI base, String location) {
    if (location.isEmpty() || location.startsWith("?")) {
      String document = base.getScheme() + "://" + base.getRawAuthority() + Objects.toString(base.getRawPath(), "");
      String query = location.isEmpty() ? (base.getRawQuery() == null ? "" : "?" + base.getRawQuery()) : location;
      return URI.create(document + query);
    }
    return base.resolve(location);
  }

  private static String method(int status, String method) {
    return switch (status) {
      case 303 -> method.equals("HEAD") ? "HEAD" : "GET";
      case 301, 302 -> method.equals("POST") ? "GET" : method;
      default -> method;
    };
  }

  /** Scheme and host compared ignoring case, as RFC 3986 (3.1, 3.2.2) says they are. */
  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort();
  }
}

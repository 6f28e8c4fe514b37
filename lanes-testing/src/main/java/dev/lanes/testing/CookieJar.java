package dev.lanes.testing;

import io.netty.handler.codec.http.cookie.ClientCookieDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import java.net.CookieHandler;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cookies of one {@link TestClient}, kept and sent back by RFC 6265's rules for one host:
 * a cookie is keyed by name and path (default: the request path's directory), sent to the paths
 * under its own, most specific path first; {@code Max-Age} (which wins) or {@code Expires} (any
 * date form servers write, read by Netty's {@code ClientCookieDecoder.LAX}) ends it,
 * {@code Max-Age=0} or a past date at once; {@code Secure} ones are kept but not sent over plain
 * HTTP; {@code Domain} is ignored (the server is its only host). Not {@code java.net.CookieManager}:
 * it takes a {@code Max-Age} without {@code Expires} for an RFC 2965 cookie and sends it back as
 * {@code $Version=1; name="value"; $Path=...}, which no server reads as the cookie it set.
 */
final class CookieJar extends CookieHandler {
  private record Key(String name, String path) { }

  private record Stored(String name, String value, String path, Instant expires, boolean secure) { }

  /** RFC 6265bis's cap on a cookie's life, 400 days in seconds: a larger Max-Age may pass any Instant. */
  private static final long MAX_AGE_LIMIT = 400L * 24 * 60 * 60;

  private final Clock clock = Clock.systemUTC();
  private final Map<Key, Stored> cookies = new LinkedHashMap<>(); // in the order first set

  @Override
  public synchronized Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    boolean secure = "https".equalsIgnoreCase(uri.getScheme()) || "wss".equalsIgnoreCase(uri.getScheme());
    dropExpired();
    List<Stored> sent = new ArrayList<>();
    for (Stored c : cookies.values()) {
      if (pathMatches(path, c.path()) && (secure || !c.secure())) {
        sent.add(c);
      }
    }
    if (sent.isEmpty()) {
      return Map.of();
    }
    sent.sort(Comparator.comparingInt((Stored c) -> c.path().length()).reversed()); // stable: then by age
    List<String> pairs = new ArrayList<>();
    for (Stored c : sent) {
      pairs.add(c.name() + "=" + c.value());
    }
    return Map.of("Cookie", List.of(String.join("; ", pairs)));
  }

  @Override
  public synchronized void put(URI uri, Map<String, List<String>> responseHeaders) {
    for (Map.Entry<String, List<String>> header : responseHeaders.entrySet()) {
      if (header.getKey() != null && header.getKey().equalsIgnoreCase("set-cookie")) {
        for (String value : header.getValue()) {
          set(uri, value);
        }
      }
    }
  }

  /** The cookies held now, name to value (of a name on several paths, the most specific). */
  synchronized Map<String, String> values() {
    dropExpired();
    Map<String, String> values = new LinkedHashMap<>();
    cookies.values().stream().sorted(Comparator.comparingInt((Stored c) -> c.path().length()).reversed())
        .forEach(c -> values.putIfAbsent(c.name(), c.value()));
    return values;
  }

  /** Sets {@code name=value} for every path, as a {@code Set-Cookie} with {@code Path=/} would. */
  synchronized void put(String name, String value) {
    cookies.put(new Key(name, "/"), new Stored(name, value, "/", null, false));
  }

  synchronized void clear() {
    cookies.clear();
  }

  /**
   * Reads one Set-Cookie with Netty's lenient decoder (RFC 6265 5.2: Expires in any of the date
   * forms servers write, Max-Age winning over it); one it cannot read is ignored, as browsers do.
   */
  private void set(URI uri, String header) {
    Cookie cookie = ClientCookieDecoder.LAX.decode(header);
    if (cookie == null) {
      return;
    }
    // A quoted value is sent back quoted, as the server wrote it.
    String value = cookie.wrap() ? '"' + cookie.value() + '"' : cookie.value();
    // Netty keeps any Path; RFC 6265 5.2.4 takes one not starting with '/' as absent.
    String path = cookie.path() != null && cookie.path().startsWith("/") ? cookie.path() : defaultPath(uri.getRawPath());
    long maxAge = cookie.maxAge(); // Expires turned into seconds from now, or Max-Age
    Instant expires = maxAge == Cookie.UNDEFINED_MAX_AGE ? null
        : maxAge <= 0 ? Instant.EPOCH : clock.instant().plusSeconds(Math.min(maxAge, MAX_AGE_LIMIT));
    Key key = new Key(cookie.name(), path);
    if (expires != null && !expires.isAfter(clock.instant())) {
      cookies.remove(key);
      return;
    }
    cookies.put(key, new Stored(cookie.name(), value, path, expires, cookie.isSecure()));
  }

  private void dropExpired() {
    Instant now = clock.instant();
    cookies.values().removeIf(c -> c.expires() != null && !c.expires().isAfter(now));
  }

  /** RFC 6265 5.1.4: the request path up to its last '/', or "/". */
  private static String defaultPath(String requestPath) {
    if (requestPath == null || !requestPath.startsWith("/")) {
      return "/";
    }
    int last = requestPath.lastIndexOf('/');
    return last == 0 ? "/" : requestPath.substring(0, last);
  }

  /** RFC 6265 5.1.4: {@code /admin} matches {@code /admin} and {@code /admin/x}, not {@code /administer}. */
  private static boolean pathMatches(String requestPath, String cookiePath) {
    if (requestPath.equals(cookiePath)) {
      return true;
    }
    return requestPath.startsWith(cookiePath)
        && (cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/');
  }
}

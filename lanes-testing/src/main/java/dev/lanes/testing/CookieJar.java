package dev.lanes.testing;

import dev.lanes.http.HttpDate;
import java.net.CookieHandler;
import java.net.URI;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The cookies of one {@link TestClient}, kept and sent back by RFC 6265's rules for one host:
 * a cookie is keyed by name and path (default: the request path's directory), sent to the paths
 * under its own, most specific path first; {@code Max-Age} (which wins) or {@code Expires} (an
 * HTTP date, or a looser form servers write) ends it,
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

  /** Netscape's cookie date, {@code Sun, 06-Nov-1994 08:49:37 GMT}. */
  private static final DateTimeFormatter NETSCAPE =
      DateTimeFormatter.ofPattern("EEE, dd-MMM-uuuu HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

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

  /** Reads one Set-Cookie (RFC 6265 5.2); one without a name=value pair is ignored, as browsers do. */
  private void set(URI uri, String header) {
    String[] parts = header.split(";");
    int eq = parts[0].indexOf('=');
    if (eq <= 0) {
      return;
    }
    String name = parts[0].substring(0, eq).strip();
    String value = parts[0].substring(eq + 1).strip();
    String path = null;
    Instant expires = null;
    Long maxAge = null;
    boolean secure = false;
    for (int i = 1; i < parts.length; i++) {
      String attribute = parts[i].strip();
      int at = attribute.indexOf('=');
      String key = (at < 0 ? attribute : attribute.substring(0, at)).strip().toLowerCase(Locale.ROOT);
      String val = at < 0 ? "" : attribute.substring(at + 1).strip();
      switch (key) {
        case "path" -> path = val.startsWith("/") ? val : null;
        case "max-age" -> {
          try {
            maxAge = Long.parseLong(val);
          } catch (NumberFormatException e) {
            // ignored, as RFC 6265 says
          }
        }
        case "expires" -> expires = expires(val); // unreadable: ignored, as RFC 6265 says
        case "secure" -> secure = true;
        default -> { } // Domain (one host), HttpOnly, SameSite: nothing to do for one client
      }
    }
    if (maxAge != null) {
      expires = maxAge <= 0 ? Instant.EPOCH : clock.instant().plusSeconds(Math.min(maxAge, MAX_AGE_LIMIT));
    }
    if (path == null) {
      path = defaultPath(uri.getRawPath());
    }
    Key key = new Key(name, path);
    if (expires != null && !expires.isAfter(clock.instant())) {
      cookies.remove(key);
      return;
    }
    cookies.put(key, new Stored(name, value, path, expires, secure));
  }

  /**
   * An Expires date: an HTTP date ({@link HttpDate}, strict), else the looser forms cookies are
   * written in beside it (RFC 6265 reads dates loosely): a one-digit day, as Java's
   * {@code RFC_1123_DATE_TIME} writes it, or Netscape's {@code dd-MMM-yyyy}, as PHP writes it.
   */
  private static Instant expires(String value) {
    return HttpDate.parse(value).or(() -> loose(value, DateTimeFormatter.RFC_1123_DATE_TIME))
        .or(() -> loose(value, NETSCAPE)).orElse(null);
  }

  private static Optional<Instant> loose(String value, DateTimeFormatter form) {
    try {
      return Optional.of(Instant.from(form.parse(value.strip())));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
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

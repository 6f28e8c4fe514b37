package dev.lanes.middleware;

import dev.lanes.http.Request;
import dev.lanes.internal.http.HostValue;
import dev.lanes.internal.http.RootPathValue;
import dev.lanes.routing.Endpoint;
import dev.lanes.routing.Middleware;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Lets a request that came through trusted reverse proxies show the original client: its address
 * ({@code Request.remoteAddress()}), scheme ({@code scheme()}) and, when switched on
 * ({@link #forwardedHost}, {@link #forwardedPort}), host ({@code host()}), taken from either {@code X-Forwarded-For/-Proto/-Host} or RFC 7239 {@code Forwarded} — one style, the
 * other's headers are ignored — and, when switched on ({@link #forwardedPrefix}), the path prefix
 * the proxy serves the app under ({@code rootPath()}) from {@code X-Forwarded-Prefix}. Only when the peer is a trusted proxy; the client is the nearest
 * address in the chain that is not a trusted proxy, so a client cannot forge its address by
 * sending the header itself; when that hop names no address ({@code unknown}, {@code _hidden}),
 * the client is unknown ({@code remoteAddress()} empty), never the proxy. Put it outermost, so {@link TrustedHost} and {@link HttpsRedirect}
 * see what it found.
 *
 * <pre>{@code App.builder().middleware(ProxyHeaders.xForwarded("10.0.0.0/8", "127.0.0.1")) }</pre>
 */
public final class ProxyHeaders implements Middleware {
  private final boolean rfc7239;
  private final List<AddressRange> trusted;
  private final boolean forwardedHost;
  private final boolean forwardedPort;
  private final boolean forwardedPrefix;

  private ProxyHeaders(boolean rfc7239, List<AddressRange> trusted, boolean forwardedHost, boolean forwardedPort,
      boolean forwardedPrefix) {
    this.rfc7239 = rfc7239;
    this.trusted = trusted;
    this.forwardedHost = forwardedHost;
    this.forwardedPort = forwardedPort;
    this.forwardedPrefix = forwardedPrefix;
  }

  private ProxyHeaders(boolean rfc7239, String... trustedProxies) {
    if (trustedProxies.length == 0) {
      throw new IllegalArgumentException("ProxyHeaders needs at least one trusted proxy address or range");
    }
    this.rfc7239 = rfc7239;
    List<AddressRange> ranges = new ArrayList<>();
    for (String p : trustedProxies) {
      ranges.add(AddressRange.parse(p));
    }
    this.trusted = List.copyOf(ranges);
    this.forwardedHost = false;
    this.forwardedPort = false;
    this.forwardedPrefix = false;
  }

  /** Honours {@code X-Forwarded-For} and {@code -Proto} (and {@code -Host}: {@link #forwardedHost}) from peers in {@code trustedProxies} (addresses or CIDR ranges). */
  public static ProxyHeaders xForwarded(String... trustedProxies) {
    return new ProxyHeaders(false, trustedProxies);
  }

  /** Honours RFC 7239 {@code Forwarded} ({@code for}, {@code proto}; {@code host}: {@link #forwardedHost}) from peers in {@code trustedProxies}. */
  public static ProxyHeaders forwarded(String... trustedProxies) {
    return new ProxyHeaders(true, trustedProxies);
  }

  /**
   * Whether the forwarded host ({@code X-Forwarded-Host}, or {@code Forwarded}'s {@code host=})
   * becomes {@code Request.host()}; off by default, as in uvicorn and Starlette. Switch it on
   * only when every trusted proxy sets or strips that header: one that passes a client's own on
   * lets the client choose the host that redirects and {@code host()} see.
   *
   * <pre>{@code ProxyHeaders.xForwarded("10.0.0.0/8").forwardedHost(true) }</pre>
   */
  public ProxyHeaders forwardedHost(boolean on) {
    return new ProxyHeaders(rfc7239, trusted, on, forwardedPort, forwardedPrefix);
  }

  /**
   * Whether {@code X-Forwarded-Port} (the last in a list: the nearest proxy's) becomes the port
   * of {@code Request.host()} (the forwarded host's, or the request's own); off by default
   * (uvicorn does not read it; Werkzeug's {@code ProxyFix} needs {@code x_port=1}). The scheme's default port
   * (443 for {@code https}, 80 for {@code http}) is dropped; a value that is not a port (1 to
   * 65535, digits only) is ignored. Read in either style: {@code Forwarded} has no port of its
   * own. Switch it on only when every trusted proxy sets or strips the header.
   *
   * <pre>{@code ProxyHeaders.xForwarded("10.0.0.0/8").forwardedHost(true).forwardedPort(true) }</pre>
   */
  public ProxyHeaders forwardedPort(boolean on) {
    return new ProxyHeaders(rfc7239, trusted, forwardedHost, on, forwardedPrefix);
  }

  /**
   * Whether {@code X-Forwarded-Prefix} (the last in a list: the nearest proxy's), the path prefix
   * the proxy serves the app under, becomes {@code Request.rootPath()}, replacing the app's
   * ({@code App.Builder.rootPath}), so {@code Request.urlFor}, the slash redirect, the OpenAPI
   * {@code servers} and the docs pages put it before the app's paths; off by default (uvicorn
   * does not read it; Werkzeug's {@code ProxyFix} needs {@code x_prefix=1}). It changes the URLs
   * built, not routing: a proxy that sends it strips the prefix (Traefik's {@code StripPrefix}),
   * or the app's own root path has the router take it off. A value that is not a root path
   * (a URL path starting with {@code /}, no {@code .} or {@code ..} or empty segment, valid
   * percent-escapes, no encoded {@code /} or control character) is ignored. Read in either style:
   * {@code Forwarded} has no prefix. Switch it on only when every trusted proxy sets or strips it.
   *
   * <pre>{@code ProxyHeaders.xForwarded("10.0.0.0/8").forwardedPrefix(true)  // X-Forwarded-Prefix: /api}</pre>
   */
  public ProxyHeaders forwardedPrefix(boolean on) {
    return new ProxyHeaders(rfc7239, trusted, forwardedHost, forwardedPort, on);
  }

  @Override
  public Endpoint wrap(Endpoint next) {
    return req -> next.call(resolve(req));
  }

  /** {@code req} as its trusted proxies describe it; unchanged if its peer is not one of them. */
  Request resolve(Request req) {
    if (req.remoteAddress().isEmpty() || !isTrusted(req.remoteAddress().get().getAddress())) {
      return req;
    }
    List<Hop> hops = rfc7239 ? forwardedHops(req) : xForwardedHops(req);
    Request out = hops.isEmpty() ? req : client(req, hops);
    if (forwardedPort) {
      out = port(out);
    }
    if (forwardedPrefix) {
      Optional<String> prefix = last(values(req, "x-forwarded-prefix")).flatMap(ProxyHeaders::rootPath);
      if (prefix.isPresent()) {
        out = out.withRootPath(prefix.get());
      }
    }
    return out;
  }

  /** {@code req} as the hops describe its client: address, scheme and (if switched on) host. */
  private Request client(Request req, List<Hop> hops) {
    // Nearest first: skip the trusted proxies; the first hop that is not one is the client.
    Hop client = hops.get(0);
    for (int i = hops.size() - 1; i >= 0; i--) {
      client = hops.get(i);
      if (client.address().isEmpty() || !isTrusted(client.address().get().getAddress())) {
        break;
      }
    }
    Request out = req;
    if (client.address().isPresent()) {
      out = out.withRemoteAddress(client.address().get());
    } else if (hops.stream().anyMatch(Hop::named)) {
      // The proxies name a chain but not this hop's sender (unknown, _hidden, no for=): the
      // client is unknown. The peer is a trusted proxy, never the client.
      out = out.withoutRemoteAddress();
    }
    if (client.proto().isPresent()) {
      out = out.withScheme(client.proto().get());
    }
    if (forwardedHost && client.host().isPresent()) {
      out = out.withHost(client.host().get());
    }
    return out;
  }

  /** {@code req} with its host's port the nearest proxy's {@code X-Forwarded-Port}, if that is one. */
  private static Request port(Request req) {
    Optional<String> port = last(values(req, "x-forwarded-port"))
        .filter(p -> p.length() <= 5 && p.chars().allMatch(c -> c >= '0' && c <= '9'))
        .filter(p -> Integer.parseInt(p) >= 1 && Integer.parseInt(p) <= 65535);
    Optional<String> host = req.host().filter(HostValue::valid);
    if (port.isEmpty() || host.isEmpty()) {
      return req;
    }
    String name = host.get();
    int colon = name.lastIndexOf(':');
    if (colon >= 0 && colon > name.lastIndexOf(']')) {
      name = name.substring(0, colon);
    }
    int p = Integer.parseInt(port.get());
    boolean defaultPort = p == (req.scheme().equals("https") ? 443 : 80);
    return req.withHost(defaultPort ? name : name + ":" + p);
  }

  private static Optional<String> last(List<String> values) {
    return values.isEmpty() ? Optional.empty() : Optional.of(values.getLast());
  }

  /** A prefix that is a root path ({@code Request.withRootPath} would take it), normalized. */
  private static Optional<String> rootPath(String value) {
    try {
      return Optional.of(RootPathValue.normalized(value));
    } catch (IllegalArgumentException notOne) {
      return Optional.empty();
    }
  }

  private boolean isTrusted(InetAddress address) {
    for (AddressRange r : trusted) {
      if (r.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * One proxy's account of the connection it received: who connected (named: whether it said,
   * even as {@code unknown}), over what, asking for which host.
   */
  private record Hop(boolean named, Optional<InetSocketAddress> address, Optional<String> proto, Optional<String> host) {}

  private static List<Hop> xForwardedHops(Request req) {
    List<String> fors = values(req, "x-forwarded-for");
    List<String> protos = values(req, "x-forwarded-proto");
    List<String> hosts = values(req, "x-forwarded-host");
    if (fors.isEmpty() && (!protos.isEmpty() || !hosts.isEmpty())) {
      // A proxy that says only how the client came (no address): one hop, client unknown.
      return List.of(new Hop(false, Optional.empty(), proto(aligned(protos, 0, 1)), host(aligned(hosts, 0, 1))));
    }
    List<Hop> hops = new ArrayList<>(fors.size());
    for (int i = 0; i < fors.size(); i++) {
      // Proto and host lists line up with the address list from the right; a shorter one
      // (one proxy set it) applies to every hop left of where it ends.
      hops.add(new Hop(true, node(fors.get(i)), proto(aligned(protos, i, fors.size())),
          host(aligned(hosts, i, fors.size()))));
    }
    return hops;
  }

  private static Optional<String> aligned(List<String> values, int i, int n) {
    if (values.isEmpty()) {
      return Optional.empty();
    }
    int j = values.size() - (n - i);
    return Optional.of(values.get(Math.max(0, j)));
  }

  private static List<Hop> forwardedHops(Request req) {
    List<Hop> hops = new ArrayList<>();
    // Field lines in order are one list (RFC 9110 5.3).
    for (String element : splitOutsideQuotes(String.join(",", req.headers().all("forwarded")), ',')) {
      if (element.isBlank()) {
        continue;
      }
      boolean named = false;
      Optional<InetSocketAddress> address = Optional.empty();
      Optional<String> proto = Optional.empty();
      Optional<String> host = Optional.empty();
      for (String pair : splitOutsideQuotes(element, ';')) {
        int eq = pair.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String name = pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String value = unquote(pair.substring(eq + 1).strip());
        switch (name) {
          case "for" -> {
            named = true;
            address = node(value);
          }
          case "proto" -> proto = proto(Optional.of(value));
          case "host" -> host = host(Optional.of(value));
          default -> { }
        }
      }
      hops.add(new Hop(named, address, proto, host));
    }
    return hops;
  }

  /** Every comma-separated item of every field {@code name}, in order. */
  private static List<String> values(Request req, String name) {
    List<String> out = new ArrayList<>();
    for (String field : req.headers().all(name)) {
      for (String item : field.split(",")) {
        String v = item.strip();
        if (!v.isEmpty()) {
          out.add(v);
        }
      }
    }
    return out;
  }

  /**
   * {@code s} split at each {@code sep} outside a quoted-string (RFC 9110 5.6.4), read from the
   * right: proxies append, so what a client wrote is on the left, and an unterminated or escaped
   * quote of its own can only swallow more of the left, never an element a proxy added after it.
   */
  static List<String> splitOutsideQuotes(String s, char sep) {
    List<String> parts = new ArrayList<>();
    boolean quoted = false;
    int end = s.length();
    for (int i = s.length() - 1; i >= 0; i--) {
      char c = s.charAt(i);
      if (c == '"') {
        int backslashes = 0;
        while (i - 1 - backslashes >= 0 && s.charAt(i - 1 - backslashes) == '\\') {
          backslashes++;
        }
        if (!quoted || backslashes % 2 == 0) { // inside a quoted-string, \" is a quoted-pair
          quoted = !quoted;
        }
      } else if (c == sep && !quoted) {
        parts.add(s.substring(i + 1, end));
        end = i;
      }
    }
    parts.add(s.substring(0, end));
    return parts.reversed();
  }

  /** A token as it is, a quoted-string without its quotes and with each quoted-pair's backslash dropped. */
  private static String unquote(String v) {
    if (v.length() < 2 || !v.startsWith("\"") || !v.endsWith("\"")) {
      return v;
    }
    StringBuilder out = new StringBuilder(v.length());
    for (int i = 1; i < v.length() - 1; i++) {
      char c = v.charAt(i);
      if (c == '\\' && i + 1 < v.length() - 1) {
        c = v.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  /** The scheme a proxy names; {@code wss} and {@code ws} (Traefik's, for WebSocket upgrades) as https and http. */
  private static Optional<String> proto(Optional<String> value) {
    return value.map(v -> switch (v.strip().toLowerCase(Locale.ROOT)) {
      case "https", "wss" -> "https";
      case "http", "ws" -> "http";
      default -> "";
    }).filter(v -> !v.isEmpty());
  }

  private static Optional<String> host(Optional<String> value) {
    // Also a valid Host value (a port of at most 65535), as Request.withHost requires.
    return value.filter(v -> isHost(v) && HostValue.valid(v));
  }

  /**
   * A name (letters, digits, {@code .-_}) or a bracketed IPv6 address, then an optional
   * {@code :port}: nothing else, not even an empty name (":443" would make HttpsRedirect's
   * {@code https:///path}, which browsers read as a redirect to the path's first segment).
   */
  private static boolean isHost(String v) {
    int i = 0;
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      if (close < 2 || !v.substring(1, close).chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
        return false;
      }
      i = close + 1;
    } else {
      while (i < v.length() && v.charAt(i) < 127 && (Character.isLetterOrDigit(v.charAt(i)) || ".-_".indexOf(v.charAt(i)) >= 0)) {
        i++;
      }
      if (i == 0) {
        return false;
      }
    }
    if (i == v.length()) {
      return true;
    }
    String port = v.substring(i + 1);
    return v.charAt(i) == ':' && !port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /** An address as a proxy wrote it ({@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code [2001:db8::1]:80}); empty for {@code unknown} or obfuscated names. */
  private static Optional<InetSocketAddress> node(String raw) {
    String host = raw;
    int port = 0;
    if (raw.startsWith("[")) {
      int close = raw.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      host = raw.substring(1, close);
      if (raw.length() > close + 2 && raw.charAt(close + 1) == ':') {
        port = parsePort(raw.substring(close + 2));
      }
    } else if (raw.indexOf(':') >= 0 && raw.indexOf(':') == raw.lastIndexOf(':')) {
      host = raw.substring(0, raw.indexOf(':'));
      port = parsePort(raw.substring(raw.indexOf(':') + 1));
    }
    int p = port;
    return AddressRange.literal(host).map(a -> new InetSocketAddress(a, p));
  }

  private static int parsePort(String s) {
    try {
      int p = Integer.parseInt(s);
      return p >= 0 && p <= 65535 ? p : 0;
    } catch (NumberFormatException e) {
      return 0; // an obfuscated port ("_abc") says nothing
    }
  }

  /** An address or CIDR range of trusted proxies. */
  private record AddressRange(byte[] network, int prefix) {
    static AddressRange parse(String spec) {
      String s = spec.strip();
      int slash = s.indexOf('/');
      String addr = slash < 0 ? s : s.substring(0, slash);
      InetAddress a = literal(addr).orElseThrow(() ->
          new IllegalArgumentException("not an IP address or CIDR range: '" + spec + "'"));
      int bits = a.getAddress().length * 8;
      int prefix = bits;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
          throw new IllegalArgumentException("bad prefix length in '" + spec + "'");
        }
      }
      return new AddressRange(a.getAddress(), prefix);
    }

    boolean contains(InetAddress address) {
      byte[] b = address.getAddress();
      if (b.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (b[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (b[full] & mask) == (network[full] & mask);
    }

    /** Whether {@code s} is four decimal numbers of 0-255 (1-3 digits each) joined by dots. */
    private static boolean dottedQuad(String s) {
      String[] parts = s.split("\\.", -1);
      if (parts.length != 4) {
        return false;
      }
      for (String p : parts) {
        if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(p) > 255) {
          return false;
        }
      }
      return true;
    }

    /** An IP literal, never looked up by name. */
    static Optional<InetAddress> literal(String s) {
      // IPv6 has a colon (hex digits, colons, dots); IPv4 only digits and dots: a name never
      // passes, so getByName below never asks DNS.
      // A dotted quad must be exact (four numbers 0-255): the JDK looks up by name any string it
      // does not take for a literal, "1.2.3.4444" among them.
      boolean v6 = s.indexOf(':') >= 0;
      boolean ok = !s.isEmpty() && (v6
          ? s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
          : dottedQuad(s));
      if (!ok) {
        return Optional.empty();
      }
      try {
        return Optional.of(InetAddress.getByName(s));
      } catch (UnknownHostException e) {
        return Optional.empty();
      }
    }
  }
}

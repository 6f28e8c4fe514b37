package dev.lanes.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.concurrency.Lanes;
import dev.lanes.internal.http.CookieValues;
import dev.lanes.internal.http.HostValue;
import dev.lanes.internal.http.IpLiteral;
import dev.lanes.internal.http.RootPathValue;
import dev.lanes.internal.http.UrlEncodedPairs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * One HTTP request as a handler sees it: method, path, parameters, headers and a fully read body
 * (or, on a route with {@code RouteOptions.streamedBody}, a body read as it arrives through
 * {@link #bodyStream()}). Query parameters are parsed on first use.
 *
 * <pre>{@code
 * app.get("/items/{id}", req -> Response.json(store.find(req.pathParams().getLong("id"))));
 * }</pre>
 */
public final class Request {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  private static final byte[] NO_BODY = new byte[0];

  private final String method;
  private final String path;
  private final String rawQuery;
  private final Headers headers;
  private final byte[] body;
  private final InputStream bodyStream; // null: the body is read whole (body)
  private final Params pathParams;
  private final InetSocketAddress remote;
  private final InetSocketAddress local; // null: unknown
  private final String scheme;
  private final String host; // null: the Host header's
  private final String rootPath; // "": none; else percent-encoded, no trailing '/'
  private final SSLSession tls; // null: not over TLS
  private final Lanes lanes;
  private final RequestScope scope;
  private final JsonCodec json;
  private final UrlPaths urlPaths; // null: built without an app
  private volatile Params query;

  private Request(Builder b) {
    this.method = b.method;
    this.path = b.path;
    this.rawQuery = b.rawQuery;
    this.headers = b.headers;
    this.body = b.body;
    this.bodyStream = b.bodyStream;
    this.pathParams = b.pathParams;
    this.remote = b.remote;
    this.local = b.local;
    this.scheme = b.scheme;
    this.host = b.host;
    this.rootPath = b.rootPath;
    this.tls = b.tls;
    this.lanes = b.lanes;
    this.scope = b.scope;
    this.json = b.json;
    this.urlPaths = b.urlPaths;
  }

  private Request(Request r, InetSocketAddress remote, String scheme, String host, String rootPath) {
    this.method = r.method;
    this.path = r.path;
    this.rawQuery = r.rawQuery;
    this.headers = r.headers;
    this.body = r.body;
    this.bodyStream = r.bodyStream;
    this.pathParams = r.pathParams;
    this.remote = remote;
    this.local = r.local;
    this.scheme = scheme;
    this.host = host;
    this.rootPath = rootPath;
    this.tls = r.tls;
    this.lanes = r.lanes;
    this.scope = r.scope;
    this.json = r.json;
    this.urlPaths = r.urlPaths;
    this.query = r.query;
  }

  /** Starts a request for {@code target} (path and optional {@code ?query}), e.g. in handler tests. */
  public static Builder builder(String method, String target) {
    int q = target.indexOf('?');
    return q < 0 ? new Builder(method, target, "")
        : new Builder(method, target.substring(0, q), target.substring(q + 1));
  }

  /** Starts a request from an already decoded path and the raw query string. */
  public static Builder builder(String method, String path, String rawQuery) {
    return new Builder(method, path, rawQuery);
  }

  /** The method, upper case ({@code GET}). */
  public String method() {
    return method;
  }

  /** The decoded path, without the query. */
  public String path() {
    return path;
  }

  /**
   * The path percent-encoded again where a URL needs it (spaces, controls, non-ASCII, {@code %},
   * {@code ?}, {@code #}...), for a {@code Location} that names this path.
   *
   * <pre>{@code Response.status(307).withHeader("Location", req.encodedPath() + "/"); }</pre>
   */
  public String encodedPath() {
    StringBuilder out = new StringBuilder(path.length() + 8);
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f && "%\"<>\\^`{|}?#".indexOf(c) < 0) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
      }
    }
    return out.toString();
  }

  /** The raw query string, without {@code ?}; empty if none. */
  public String rawQuery() {
    return rawQuery;
  }

  /** Parameters from the route's path template. */
  public Params pathParams() {
    return pathParams;
  }

  /** Query parameters. */
  public Params query() {
    Params q = query;
    if (q == null) {
      q = Params.of("query parameter", parseQuery(rawQuery));
      query = q;
    }
    return q;
  }

  public Headers headers() {
    return headers;
  }

  /** The first value of header {@code name}. */
  public Optional<String> header(String name) {
    return headers.first(name);
  }

  /** The client's address, if known (the peer's, or the client a trusted proxy names). */
  public Optional<InetSocketAddress> remoteAddress() {
    return Optional.ofNullable(remote);
  }

  /**
   * The server's own address the request came in on, if known (Starlette's {@code scope["server"]}):
   * {@link #urlFor} uses it when the request names no host (an HTTP/1.0 request without
   * {@code Host}, an HTTP/2 one without {@code :authority}).
   */
  public Optional<InetSocketAddress> localAddress() {
    return Optional.ofNullable(local);
  }

  /** {@code https} if the request came over TLS (or a trusted proxy says its client used TLS), else {@code http}. */
  public String scheme() {
    return scheme;
  }

  /** The host the client asked for: its {@code Host} header (or what a trusted proxy forwarded), port included if given. */
  public Optional<String> host() {
    return host != null ? Optional.of(host) : headers.first("host");
  }

  /**
   * The TLS session the request came over, if it did (its protocol, cipher suite, peer
   * certificates); empty over plain TCP, also when a trusted proxy says its client used TLS.
   */
  public Optional<SSLSession> tlsSession() {
    return Optional.ofNullable(tls);
  }

  /**
   * The certificate chain the client presented, its own first, when the server asks for client
   * certificates ({@code Tls.clientCertificates}) and the client sent one the server trusts;
   * empty otherwise (no TLS, none asked for, or none sent where they are optional).
   *
   * <pre>{@code
   * String who = req.clientCertificates().stream().findFirst()
   *     .map(c -> c.getSubjectX500Principal().getName()).orElseThrow(() -> new HttpException(401, "no client certificate"));
   * }</pre>
   */
  public List<X509Certificate> clientCertificates() {
    if (tls == null) {
      return List.of();
    }
    Certificate[] chain;
    try {
      chain = tls.getPeerCertificates();
    } catch (SSLPeerUnverifiedException none) {
      return List.of();
    }
    List<X509Certificate> out = new ArrayList<>(chain.length);
    for (Certificate c : chain) {
      if (c instanceof X509Certificate x) {
        out.add(x);
      }
    }
    return List.copyOf(out);
  }

  /** This request as a trusted proxy describes it: another client address (used by proxy-header middleware). */
  public Request withRemoteAddress(InetSocketAddress client) {
    return new Request(this, Objects.requireNonNull(client, "client"), scheme, host, rootPath);
  }

  /**
   * This request with its client unknown: {@link #remoteAddress()} empty (a trusted proxy wrote
   * {@code for=unknown} or hid its client), never the proxy's own address.
   */
  public Request withoutRemoteAddress() {
    return new Request(this, null, scheme, host, rootPath);
  }

  /** This request with another scheme, {@code http} or {@code https}. */
  public Request withScheme(String newScheme) {
    return new Request(this, remote, checkScheme(newScheme), host, rootPath);
  }

  /**
   * This request with another host, as {@code Host} would carry it: a name or a bracketed IPv6
   * literal, and an optional port ({@code shop.example:8443}).
   *
   * @throws IllegalArgumentException if {@code newHost} is not a valid {@code Host} value (RFC
   *     9110 7.2): a path, userinfo, a list, whitespace or a control, a port past 65535
   */
  public Request withHost(String newHost) {
    return new Request(this, remote, scheme, checkHost(newHost), rootPath);
  }

  /**
   * The path prefix the app is served under behind a proxy (FastAPI's {@code root_path}):
   * {@code App.Builder.rootPath}, or what a trusted proxy's {@code X-Forwarded-Prefix} says
   * ({@code ProxyHeaders.forwardedPrefix}); {@code ""} for none. Percent-encoded as in a URL,
   * without a trailing {@code /}. {@link #urlFor} puts it before a route's path; {@link #path()}
   * is the path as received, with or without it.
   */
  public String rootPath() {
    return rootPath;
  }

  /**
   * This request served under another path prefix ({@link #rootPath()}); {@code ""} or
   * {@code "/"} for none, a trailing {@code /} dropped.
   *
   * <pre>{@code req.withRootPath("/api")  // req.urlFor("read_item", ...) -> http://host/api/items/5}</pre>
   *
   * @throws IllegalArgumentException if {@code prefix} is not a URL path: not starting with
   *     {@code /}, a {@code .} or {@code ..} or empty segment, a character a path must
   *     percent-encode, a bad or control-character escape, an encoded {@code /}
   */
  public Request withRootPath(String prefix) {
    return new Request(this, remote, scheme, host, RootPathValue.normalized(Objects.requireNonNull(prefix, "prefix")));
  }

  private static String checkHost(String host) {
    // What reaches host() becomes redirects and URLs: the server checks incoming Host headers so too.
    if (!HostValue.valid(Objects.requireNonNull(host, "host"))) {
      throw new IllegalArgumentException("not a valid host (name or [IPv6], optional :port): '"
          + host.replaceAll("\\p{Cntrl}", "?") + "'");
    }
    return host;
  }

  private static String checkScheme(String scheme) {
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("scheme must be http or https: " + scheme);
    }
    return scheme;
  }

  /**
   * The absolute URL of the app's route named {@code name} with {@code params} in its path
   * (Starlette's {@code request.url_for}): this request's {@link #scheme()} ({@code ws} or
   * {@code wss} for a WebSocket route) and {@link #host()}, so what {@code ProxyHeaders} took from
   * a trusted proxy, then its {@link #rootPath()} and the route's path ({@link UrlPaths#pathFor}).
   * A request that names no host (HTTP/1.0 without {@code Host}) gets the server's own address,
   * {@link #localAddress()}, as Starlette falls back to {@code scope["server"]}. It has no query:
   * append one yourself, as Starlette's {@code include_query_params}.
   *
   * <pre>{@code Response.status(303).withHeader("location", req.urlFor("read_item", Map.of("id", 5)))  // http://host/items/5}</pre>
   *
   * @throws IllegalArgumentException if no route has the name, or a parameter is missing, extra or
   *     does not fit its segment's type
   * @throws IllegalStateException if the request was built without an app's routes, or has neither
   *     a host nor a local address (a request built by hand without either)
   */
  public String urlFor(String name, Map<String, ?> params) {
    if (urlPaths == null) {
      throw new IllegalStateException("this request was built without an app's routes (Builder.urlPaths)");
    }
    String path = urlPaths.pathFor(name, params);
    String urlScheme = urlPaths.isWebSocket(name) ? (scheme.equals("https") ? "wss" : "ws") : scheme;
    return urlScheme + "://" + authority() + rootPath + path;
  }

  /**
   * The URL the client asked for (Starlette's {@code request.url}): {@link #scheme()}, the host as
   * {@link #urlFor} takes it, the path as a URL outside a proxy names it ({@link #encodedPath()},
   * under {@link #rootPath()} when it arrived without it) and the query exactly as received
   * ({@link #rawQuery()}, no {@code ?} when empty). A {@code String}, not a {@link java.net.URI}:
   * the server accepts queries {@code URI} refuses ({@code |}, {@code {}}, {@code ^} unencoded, as
   * browsers send them; a {@code %} that starts no escape), and they are kept as sent.
   *
   * <pre>{@code
   * // GET /api/caf%c3%a9?q=a%20b  Host: shop.example, app rootPath "/api"
   * req.url()  // "http://shop.example/api/caf%C3%A9?q=a%20b"
   * }</pre>
   *
   * @throws IllegalStateException if the request has neither a host nor a local address (a
   *     request built by hand without either; a server always sets the local address)
   */
  public String url() {
    // OPTIONS *: its target URI has an empty path (RFC 9112 3.3), "http://host", not ".../*"
    String target = path.equals("*") ? "" : RootPathValue.external(rootPath, path, encodedPath());
    return scheme + "://" + authority() + target + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
  }

  /**
   * The URL the app is served at (Starlette's {@code request.base_url}): {@link #scheme()}, the
   * host as {@link #urlFor} takes it and {@link #rootPath()}, ending in {@code /}. Relative
   * references resolve against it: {@code URI.create(req.baseUrl()).resolve("items/5")}.
   *
   * <pre>{@code req.baseUrl()  // "https://shop.example/api/" behind a proxy serving the app under /api}</pre>
   *
   * @throws IllegalStateException as {@link #url()}
   */
  public String baseUrl() {
    return scheme + "://" + authority() + rootPath + "/";
  }

  /**
   * The authority of the URLs this request builds: its host (port as named, an empty one's
   * {@code :} left out), else the server's own address, as Starlette falls back to
   * {@code scope["server"]}.
   */
  private String authority() {
    Optional<String> named = host();
    if (named.isPresent()) {
      return withoutEmptyPort(named.get());
    }
    if (local == null) {
      throw new IllegalStateException("the request has no host (no Host header) and no local address to build an"
          + " absolute URL with; a request built by hand needs Builder.host or Builder.localAddress");
    }
    return authority(local, scheme.equals("https"));
  }

  /** {@code host} without the {@code :} of an empty port ({@code a:}), which RFC 3986 3.2.3 asks URI producers to leave out. */
  private static String withoutEmptyPort(String host) {
    return host.endsWith(":") ? host.substring(0, host.length() - 1) : host;
  }

  /**
   * {@code address} as a URL's authority, as Starlette writes {@code scope["server"]}: its IP
   * (IPv6 bracketed and compressed, {@code [::1]}: {@link IpLiteral}), the port left out where it
   * is the scheme's default.
   */
  private static String authority(InetSocketAddress address, boolean secure) {
    String host;
    if (address.getAddress() != null) {
      host = IpLiteral.urlHost(address.getAddress());
    } else { // unresolved, as a hand-built request may give it: a name, or a literal as written
      String name = address.getHostString();
      host = name.indexOf(':') >= 0 ? "[" + name.replace("%", "%25") + "]" : name;
    }
    int port = address.getPort();
    return port == (secure ? 443 : 80) ? host : host + ":" + port;
  }

  /** {@link #urlFor(String, Map)} for a route without parameters. */
  public String urlFor(String name) {
    return urlFor(name, Map.of());
  }

  /**
   * The lanes of the app serving this request, for handing blocking work to a named lane:
   * {@code Concurrency.runBlocking(req.lanes().get("db"), () -> query())}.
   */
  public Lanes lanes() {
    if (lanes == null) {
      throw new IllegalStateException("this request was built without lanes (not served by an app)");
    }
    return lanes;
  }

  /**
   * The cookies the client sent, by name (its {@code Cookie} headers as Starlette's
   * {@code request.cookies} reads them: a quoted value unquoted, the last of a repeated name kept,
   * a nameless one, {@code =v} or {@code v} alone, under the empty name).
   */
  public Map<String, String> cookies() {
    List<String> fields = headers.all("cookie");
    return fields.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(CookieValues.all(fields));
  }

  /**
   * Values middleware hands to the handler for this request (Starlette's {@code request.state}),
   * keyed by type: {@code req.state().put(User.class, user)}, then {@code req.state().get(User.class)}.
   */
  public RequestState state() {
    return scope.state();
  }

  /** This request's lifetime: cleanups and cancellation. */
  public RequestScope scope() {
    return scope;
  }

  /**
   * The body bytes (empty if none). The array is shared: do not modify it.
   *
   * @throws IllegalStateException on a route whose body is streamed ({@code RouteOptions.streamedBody}):
   *     read {@link #bodyStream()} instead
   */
  public byte[] body() {
    if (bodyStream != null) {
      throw new IllegalStateException("the body of " + this + " is streamed (RouteOptions.streamedBody):"
          + " read it with bodyStream(), not body()");
    }
    return body;
  }

  /**
   * Whether the body is read as it arrives, from {@link #bodyStream()} only (a route with
   * {@code RouteOptions.streamedBody}); {@link #body()} then throws.
   *
   * <pre>{@code byte[] bytes = req.bodyStreamed() ? req.bodyStream().readNBytes(max) : req.body(); }</pre>
   */
  public boolean bodyStreamed() {
    return bodyStream != null;
  }

  /**
   * The body as a stream. On a route with {@code RouteOptions.streamedBody} it is read from the
   * client as the handler reads it: a read blocks until bytes arrive (fine on a blocking
   * handler's virtual thread), and fails with an {@link java.io.IOException} when the client
   * leaves, the body stops arriving for the server's body read timeout, or it grows past the
   * route's limit. Read it on the handler's thread, before the handler returns: what is left
   * unread then is skipped (up to 256 KiB) or the connection is closed after the response
   * (HTTP/2: dropped, and the stream reset after the response). On
   * any other route it reads the body already read whole.
   *
   * <pre>{@code
   * try (InputStream in = req.bodyStream()) { in.transferTo(file); }
   * }</pre>
   */
  public InputStream bodyStream() {
    return bodyStream != null ? bodyStream : new ByteArrayInputStream(body);
  }

  /** The body decoded with the Content-Type's charset (UTF-8 if none is given). */
  public String text() {
    return new String(body(), charset());
  }

  /**
   * The body parsed as JSON into {@code type} by the app's {@link JsonCodec}; 400 with a message
   * if it does not fit.
   */
  public <T> T json(Class<T> type) {
    return json.read(body(), type);
  }

  /** The body parsed as a JSON tree by the app's {@link JsonCodec}. */
  public JsonNode json() {
    return json.readTree(body());
  }

  private Charset charset() {
    return headers.first("content-type").flatMap(Request::charsetOf).orElse(StandardCharsets.UTF_8);
  }

  private static Optional<Charset> charsetOf(String contentType) {
    for (String part : contentType.split(";")) {
      String p = part.trim();
      if (p.regionMatches(true, 0, "charset=", 0, 8)) {
        try {
          return Optional.of(Charset.forName(p.substring(8).replace("\"", "").trim()));
        } catch (RuntimeException e) {
          throw new HttpException(415, "unsupported charset in Content-Type: " + p.substring(8));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The query's parameters as Starlette reads them (WHATWG's urlencoded parser, UTF-8): a '%' that
   * starts no escape is kept as sent, bytes that are not UTF-8 become U+FFFD.
   */
  static Map<String, List<String>> parseQuery(String raw) {
    if (raw.isEmpty()) {
      return Map.of();
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    UrlEncodedPairs.forEach(raw.getBytes(StandardCharsets.UTF_8), (name, value) -> out
        .computeIfAbsent(new String(name, StandardCharsets.UTF_8), x -> new ArrayList<>())
        .add(new String(value, StandardCharsets.UTF_8)));
    return out;
  }

  @Override
  public String toString() {
    return method + " " + path + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
  }

  /** Builds a {@link Request}. */
  public static final class Builder {
    private final String method;
    private final String path;
    private final String rawQuery;
    private Headers headers; // null until set or built: a server sets its own, so no empty map per request
    private byte[] body = NO_BODY;
    private InputStream bodyStream;
    private Params pathParams = Params.empty();
    private InetSocketAddress remote;
    private InetSocketAddress local;
    private String scheme = "http";
    private String host; // null: the Host header
    private String rootPath = "";
    private SSLSession tls;
    private Lanes lanes;
    private RequestScope scope; // null until set or built: a server sets its own, so no spare scope
    private JsonCodec json = JsonCodec.defaults();
    private UrlPaths urlPaths;

    private Builder(String method, String path, String rawQuery) {
      this.method = Objects.requireNonNull(method, "method");
      this.path = Objects.requireNonNull(path, "path");
      this.rawQuery = Objects.requireNonNull(rawQuery, "rawQuery");
    }

    public Builder headers(Headers headers) {
      this.headers = Objects.requireNonNull(headers, "headers");
      return this;
    }

    public Builder body(byte[] body) {
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    /**
     * A body read as it arrives: the request's {@link Request#bodyStream()}, its
     * {@link Request#body()} refused (a server sets it for a route with
     * {@code RouteOptions.streamedBody}).
     */
    public Builder bodyStream(InputStream stream) {
      this.bodyStream = Objects.requireNonNull(stream, "stream");
      return this;
    }

    /**
     * The body given as a stream, as on a route with {@code RouteOptions.streamedBody}: the bytes
     * set by {@link #body} if no stream was set (a body read whole anyway: none, or an h2c upgrade's).
     */
    public Builder streamedBody() {
      if (bodyStream == null) {
        bodyStream = new ByteArrayInputStream(body);
      }
      return this;
    }

    public Builder pathParams(Params pathParams) {
      this.pathParams = Objects.requireNonNull(pathParams, "pathParams");
      return this;
    }

    public Builder remoteAddress(InetSocketAddress remote) {
      this.remote = remote;
      return this;
    }

    /** The server's own address the request came in on (a server sets it): {@link Request#localAddress()}. */
    public Builder localAddress(InetSocketAddress local) {
      this.local = local;
      return this;
    }

    /** {@code http} (the default) or {@code https}. */
    public Builder scheme(String scheme) {
      this.scheme = checkScheme(scheme);
      return this;
    }

    /** The host asked for, if not the {@code Host} header's; checked as {@link Request#withHost} checks it. */
    public Builder host(String host) {
      this.host = checkHost(host);
      return this;
    }

    /** The path prefix the app is served under ({@link Request#withRootPath} says what it may be); an app sets its own. */
    public Builder rootPath(String prefix) {
      this.rootPath = RootPathValue.normalized(Objects.requireNonNull(prefix, "prefix"));
      return this;
    }

    /** The TLS session the request came over (a server sets it for its TLS connections). */
    public Builder tlsSession(SSLSession session) {
      this.tls = Objects.requireNonNull(session, "session");
      return this;
    }

    public Builder lanes(Lanes lanes) {
      this.lanes = Objects.requireNonNull(lanes, "lanes");
      return this;
    }

    public Builder scope(RequestScope scope) {
      this.scope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /** The codec {@link Request#json(Class)} reads with; {@link JsonCodec#defaults()} unless set. */
    public Builder json(JsonCodec json) {
      this.json = Objects.requireNonNull(json, "json");
      return this;
    }

    /** Where {@link Request#urlFor} finds route names; an app sets its own. */
    public Builder urlPaths(UrlPaths urlPaths) {
      this.urlPaths = Objects.requireNonNull(urlPaths, "urlPaths");
      return this;
    }

    public Request build() {
      if (headers == null) {
        headers = Headers.of();
      }
      if (scope == null) {
        scope = RequestScope.create(); // kept: a second build() shares it, as before
      }
      return new Request(this);
    }
  }
}

package dev.lanes.middleware;

import dev.lanes.http.Headers;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.internal.http.VaryField;
import dev.lanes.routing.Endpoint;
import dev.lanes.routing.Middleware;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Cross-origin resource sharing for an explicit allow-list of origins. A preflight ({@code
 * OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) is answered here — 204
 * with the allowed methods and headers, or 400 when the origin, method or a header is not allowed
 * — and never reaches a route. Other requests from an allowed origin get
 * {@code Access-Control-Allow-Origin} (and credentials and exposed headers if configured) on their
 * answer, whatever it is (404s included), in place of any the app set. Every answer says {@code Vary: Origin}. {@code *} as an
 * origin together with credentials is refused when built: browsers reject it, and echoing any
 * origin with credentials would let every site act as the user. In a {@code Routes} part it
 * answers the preflights to that part's paths (an {@code OPTIONS} no route takes meets the
 * middleware of the part whose routes serve its path) and adds its headers to the part's
 * answers; paths the part has no route for (404s) meet only the app's middleware. On the app
 * it also adds its headers to the answers the server gives from a request's head (a 413 for a
 * body past {@code maxBodySize}: {@link #refused}).
 *
 * <pre>{@code
 * App.builder().middleware(Cors.builder().allowOrigins("https://app.example.com")
 *     .allowMethods("GET", "POST").allowHeaders("Content-Type").allowCredentials(true).build())
 * }</pre>
 */
public final class Cors implements Middleware {
  private static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);

  private final Set<String> origins; // lower case; "*" for any
  private final boolean anyOrigin;
  private final List<String> methods;
  private final boolean anyMethod;
  private final Set<String> headers; // lower case; "*" for any
  private final boolean anyHeader;
  private final boolean credentials;
  private final List<String> exposed;
  private final Duration maxAge;

  private Cors(Builder b) {
    this.anyOrigin = b.origins.contains("*");
    this.origins = Set.copyOf(b.origins);
    this.anyMethod = b.methods.contains("*");
    // "*" as Starlette's allow_methods=["*"]: any method, every standard one listed in answers
    this.methods = anyMethod ? ALL_METHODS : List.copyOf(b.methods);
    this.anyHeader = b.headers.contains("*");
    this.headers = Collections.unmodifiableSet(new LinkedHashSet<>(b.headers)); // listed in answers as configured
    this.credentials = b.credentials;
    this.exposed = List.copyOf(b.exposed);
    this.maxAge = b.maxAge;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Endpoint wrap(Endpoint next) {
    return req -> {
      Optional<String> origin = req.header("origin");
      if (origin.isPresent() && req.method().equals("OPTIONS") && req.header("access-control-request-method").isPresent()) {
        return CompletableFuture.completedFuture(preflight(req, origin.get()));
      }
      return next.call(req).thenApply(r -> simple(r, origin));
    };
  }

  /**
   * A refusal the server gives from the request's head (a 413 for a body too large) gets what
   * {@link #wrap} gives any other answer: a page then reads its status instead of a CORS failure.
   */
  @Override
  public Response refused(Headers request, Response answer) {
    return simple(answer, request.first("origin"));
  }

  /** The CORS-safelisted request headers, always allowed (as Starlette adds them to allow_headers). */
  private static final List<String> SAFELISTED_IN_ORDER =
      List.of("accept", "accept-language", "content-language", "content-type");
  private static final Set<String> SAFELISTED = Set.copyOf(SAFELISTED_IN_ORDER);
  private static final List<String> ALL_METHODS =
      List.of("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT");

  private boolean allowedHeaders(List<String> asked) {
    for (String h : asked) {
      if (!headers.contains(h) && !SAFELISTED.contains(h)) {
        return false;
      }
    }
    return true;
  }

  private Response preflight(Request req, String origin) {
    String asked = req.header("access-control-request-method").get().strip();
    String method = asked.toUpperCase(Locale.ROOT);
    List<String> askedHeaders = new ArrayList<>();
    for (String h : req.header("access-control-request-headers").orElse("").split(",")) {
      if (!h.isBlank()) {
        askedHeaders.add(h.strip().toLowerCase(Locale.ROOT));
      }
    }
    String refusal = !originAllowed(origin) ? "origin" : !anyMethod && !methods.contains(method) ? "method"
        : !anyHeader && !allowedHeaders(askedHeaders) ? "headers" : null;
    if (refusal != null) {
      return Response.text(400, "Disallowed CORS " + refusal).withHeader("Vary", "Origin");
    }
    Response r = Response.status(204)
        .withHeader("Vary", "Origin")
        .withHeader("Access-Control-Allow-Origin", allowOriginValue(origin))
        .withHeader("Access-Control-Allow-Methods", String.join(", ", allowMethods(asked)))
        .withHeader("Access-Control-Max-Age", Long.toString(maxAge.toSeconds()));
    // The safelisted names are allowed without being listed, but a browser checks the answer's
    // list for any it sends with a non-safelisted value (content-type: application/json).
    List<String> allowHeaders = anyHeader ? askedHeaders : new ArrayList<>(headers);
    if (!anyHeader) {
      for (String h : SAFELISTED_IN_ORDER) {
        if (!allowHeaders.contains(h)) {
          allowHeaders.add(h);
        }
      }
    }
    if (!allowHeaders.isEmpty()) {
      r = r.withHeader("Access-Control-Allow-Headers", String.join(", ", allowHeaders));
    }
    if (credentials) {
      r = r.withHeader("Access-Control-Allow-Credentials", "true");
    }
    return r;
  }

  /**
   * The methods a preflight answer names. A browser looks for the asked method there, byte for
   * byte (Fetch), so "any method" also names one outside the standard list as it was asked.
   */
  private List<String> allowMethods(String asked) {
    if (!anyMethod || methods.contains(asked) || !isToken(asked)) {
      return methods; // a method is a token (RFC 9110 9.1); anything else is not echoed
    }
    List<String> out = new ArrayList<>(methods);
    out.add(asked);
    return out;
  }

  private static boolean isToken(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0);
  }

  private Response simple(Response r, Optional<String> origin) {
    Response out = r.withoutHeader("Vary").withHeader("Vary", VaryField.in(r.headers(), "Origin"));
    if (origin.isEmpty() || !originAllowed(origin.get())) {
      return out; // no CORS headers: the browser keeps the answer from the page
    }
    out = set(out, "Access-Control-Allow-Origin", allowOriginValue(origin.get()));
    if (credentials) {
      out = set(out, "Access-Control-Allow-Credentials", "true");
    }
    if (!exposed.isEmpty()) {
      out = set(out, "Access-Control-Expose-Headers", String.join(", ", exposed));
    }
    return out;
  }

  /** Replaces what the app set, as Starlette does: a browser fails the check on two Allow-Origin values. */
  private static Response set(Response r, String name, String value) {
    return r.withoutHeader(name).withHeader(name, value);
  }

  private boolean originAllowed(String origin) {
    return anyOrigin || origins.contains(origin.strip().toLowerCase(Locale.ROOT));
  }

  private String allowOriginValue(String origin) {
    return anyOrigin ? "*" : origin.strip(); // never "*" with credentials: refused at build
  }

  /** Builds a {@link Cors}; nothing is allowed until listed. */
  public static final class Builder {
    private final Set<String> origins = new LinkedHashSet<>();
    private final Set<String> methods = new LinkedHashSet<>(List.of("GET", "HEAD", "POST"));
    private final Set<String> headers = new LinkedHashSet<>();
    private final Set<String> exposed = new LinkedHashSet<>();
    private boolean credentials;
    private Duration maxAge = DEFAULT_MAX_AGE;

    private Builder() {}

    /**
     * Origins allowed, as browsers send them ({@code https://app.example.com:8443}); {@code *} for
     * any. A scheme's default port is left out, as browsers leave it out ({@code :443} for https,
     * {@code :80} for http). {@code null}, the origin of sandboxed frames and {@code file:} pages,
     * is refused: any site can make such a page.
     */
    public Builder allowOrigins(String... allowed) {
      for (String o : allowed) {
        String origin = o.strip().toLowerCase(Locale.ROOT);
        if (origin.equals("null")) {
          throw new IllegalArgumentException("'null' cannot be allowed by name: sandboxed frames and file: pages"
              + " send it, and any site can make one; allow '*' (without credentials) if they must read answers");
        }
        if (!origin.equals("*") && !origin.matches("[a-z][a-z0-9+.-]*://[^/?#\\s]+")) {
          throw new IllegalArgumentException("not an origin (scheme://host[:port], no path): '" + o + "'");
        }
        origins.add(withoutDefaultPort(origin));
      }
      return this;
    }

    /** {@code origin} as a browser serializes it (RFC 6454 6.2): without its scheme's default port. */
    private static String withoutDefaultPort(String origin) {
      if (origin.startsWith("https://") && origin.endsWith(":443")) {
        return origin.substring(0, origin.length() - ":443".length());
      }
      if (origin.startsWith("http://") && origin.endsWith(":80")) {
        return origin.substring(0, origin.length() - ":80".length());
      }
      return origin;
    }

    /** Methods a preflight may ask for (default GET, HEAD, POST); replaces the list; {@code *} for any. */
    public Builder allowMethods(String... allowed) {
      methods.clear();
      for (String m : allowed) {
        methods.add(m.strip().toUpperCase(Locale.ROOT));
      }
      return this;
    }

    /**
     * Request headers a preflight may ask for; {@code *} for any, answered with the names asked
     * for (never a {@code *}, which a browser takes literally with credentials). Default: none
     * beyond the CORS-safelisted ones.
     */
    public Builder allowHeaders(String... allowed) {
      for (String h : allowed) {
        headers.add(h.strip().toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /**
     * Response headers the page may read besides the safelisted ones; {@code *} for all, but not
     * with credentials, where a browser takes it as a header's name.
     */
    public Builder exposeHeaders(String... names) {
      exposed.addAll(List.of(names));
      return this;
    }

    /** Whether cookies and credentials go with cross-origin requests (default false). */
    public Builder allowCredentials(boolean allow) {
      this.credentials = allow;
      return this;
    }

    /** How long a browser may cache a preflight answer (default 10 minutes). */
    public Builder maxAge(Duration age) {
      if (age.isNegative()) {
        throw new IllegalArgumentException("maxAge must not be negative");
      }
      this.maxAge = age;
      return this;
    }

    /**
     * @throws IllegalArgumentException with no origin listed, or with {@code *} as an origin or an
     *     exposed header and credentials
     */
    public Cors build() {
      if (origins.isEmpty()) {
        throw new IllegalArgumentException("CORS needs at least one allowed origin");
      }
      if (credentials && origins.contains("*")) {
        throw new IllegalArgumentException("CORS: '*' as an allowed origin cannot go with credentials; list the origins");
      }
      if (credentials && exposed.contains("*")) { // with credentials a browser reads it as a header's name
        throw new IllegalArgumentException("CORS: '*' in exposeHeaders cannot go with credentials; list the headers");
      }
      return new Cors(this);
    }
  }
}

package dev.lanes.middleware;

import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.http.SetCookie;
import dev.lanes.internal.http.CookieValues;
import dev.lanes.internal.http.UnhandledError;
import dev.lanes.internal.http.VaryField;
import dev.lanes.routing.Endpoint;
import dev.lanes.routing.Middleware;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sessions in a signed cookie (Starlette's {@code SessionMiddleware}): each request gets a
 * {@link Session} ({@link #of}), read from its cookie if the cookie's HMAC-SHA256 signature is
 * this app's and it is younger than {@code maxAge}, else empty. As Starlette 1.7's: a changed,
 * non-empty session is sent back (signed anew, so its age restarts), a valid session emptied
 * deletes the cookie, an unchanged one sends nothing (a slow request that only read it cannot undo
 * a logout that finished first), and a response that read the session says {@code Vary: Cookie}.
 * A change made before an unhandled exception is not sent with its 500 (Starlette answers it
 * outside its middleware); one made before an {@code HttpException} or a handled exception is.
 * The client can read what is in it but not change it: keep an id there, not secrets.
 *
 * <pre>{@code
 * App.builder().middleware(Sessions.builder(System.getenv("SESSION_SECRET")).build())
 *     .post("/login", req -> { Sessions.of(req).put("user", "alice"); return Response.text("hi"); });
 * }</pre>
 */
public final class Sessions implements Middleware {
  /** What browsers keep of one cookie, name and attributes included (RFC 6265 6.1). */
  static final int MAX_COOKIE = 4096;

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64_IN = Base64.getUrlDecoder();

  private final Mac prototype;
  private final String cookieName;
  private final Duration maxAge; // null: until the browser closes
  private final String path;
  private final String domain; // null: this host
  private final boolean httpsOnly;
  private final SetCookie.SameSite sameSite;
  private final boolean partitioned;
  private final Clock clock;

  private Sessions(Builder b) {
    this.prototype = b.mac;
    this.cookieName = b.cookieName;
    this.maxAge = b.maxAge;
    this.path = b.path;
    this.domain = b.domain;
    this.httpsOnly = b.httpsOnly;
    this.sameSite = b.sameSite;
    this.partitioned = b.partitioned;
    this.clock = b.clock;
  }

  /**
   * Sessions signed with {@code secret}: at least 32 bytes of random data, the same in every
   * process that serves the app (for instance {@code openssl rand -base64 32}, from the environment).
   *
   * @throws IllegalArgumentException if {@code secret} is shorter than 32 bytes
   */
  public static Builder builder(String secret) {
    return new Builder(Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The session of {@code req}.
   *
   * @throws IllegalStateException if no {@code Sessions} middleware wraps the route
   */
  public static Session of(Request req) {
    Session session = req.state().find(Session.class).orElseThrow(() -> new IllegalStateException(
        "no session on " + req + ": add the Sessions middleware (App.builder().middleware(Sessions.builder(secret).build()))"));
    session.markAccessed();
    return session;
  }

  @Override
  public Endpoint wrap(Endpoint next) {
    return req -> {
      List<String> sent = CookieValues.of(req.headers().all("cookie"), cookieName);
      Session session = sent.isEmpty() ? Session.empty() : read(sent.get(sent.size() - 1));
      req.state().put(Session.class, session);
      boolean wasEmpty = session.isEmpty(); // no cookie, or not a valid one: nothing to delete
      return next.call(req).thenApply(response -> sendBack(req, response, session, wasEmpty));
    };
  }

  private Response sendBack(Request req, Response response, Session live, boolean wasEmpty) {
    if (req.state().find(UnhandledError.class).isPresent()) {
      // Starlette's 500 comes from outside SessionMiddleware: a change made before the error is not sent
      return response;
    }
    Session.State session = live.state();
    if (session.accessed()) {
      // its body may depend on the session; one Vary field with what the app said
      response = response.withoutHeader("Vary").withHeader("Vary", VaryField.in(response.headers(), "Cookie"));
    }
    if (!session.modified()) {
      return response;
    }
    if (session.json() != null) {
      SetCookie cookie = attributes(SetCookie.of(cookieName, sign(session.json())));
      if (maxAge != null) {
        cookie = cookie.maxAge(maxAge);
      }
      String header = cookie.headerValue();
      if (header.length() > MAX_COOKIE) {
        throw new IllegalStateException("the session cookie would be " + header.length() + " bytes, over the "
            + MAX_COOKIE + " browsers keep (keys " + live.keys() + "): keep an id in the session and the rest on the server");
      }
      return response.withCookie(cookie);
    }
    return wasEmpty ? response : response.withCookie(attributes(SetCookie.delete(cookieName)));
  }

  private SetCookie attributes(SetCookie cookie) {
    return cookie.path(path).domain(domain).httpOnly(true).secure(httpsOnly).sameSite(sameSite).partitioned(partitioned);
  }

  /** {@code payload.issuedAt.mac}, each Base64url: the JSON, the signing time in seconds, HMAC-SHA256 of the two. */
  String sign(byte[] json) {
    String signed = B64.encodeToString(json) + "."
        + B64.encodeToString(ByteBuffer.allocate(Long.BYTES).putLong(clock.instant().getEpochSecond()).array());
    return signed + "." + B64.encodeToString(mac(signed));
  }

  /**
   * The session a cookie holds; empty if it is not one this app signed, or, with a {@code maxAge},
   * it is older than that or signed later than now.
   */
  Session read(String cookie) {
    if (cookie.length() > MAX_COOKIE) {
      return Session.empty();
    }
    int second = cookie.lastIndexOf('.');
    int first = second < 0 ? -1 : cookie.lastIndexOf('.', second - 1);
    if (first < 0) {
      return Session.empty();
    }
    try {
      String signed = cookie.substring(0, second);
      // Compared as written, not decoded: Base64 decoding forgives padding and the last character's
      // unused bits, which would give one MAC several spellings. Constant time either way.
      byte[] expected = B64.encode(mac(signed));
      byte[] given = cookie.substring(second + 1).getBytes(StandardCharsets.ISO_8859_1);
      if (!MessageDigest.isEqual(expected, given)) {
        return Session.empty(); // forged, or signed with another secret
      }
      byte[] issued = B64_IN.decode(cookie.substring(first + 1, second));
      if (issued.length != Long.BYTES) {
        return Session.empty();
      }
      long age = clock.instant().getEpochSecond() - ByteBuffer.wrap(issued).getLong();
      // As itsdangerous' TimestampSigner (2.2): with a max age, a negative age is refused too, with
      // no allowance for skew; a cookie signed in the future would outlive its max age
      if (maxAge != null && (age > maxAge.getSeconds() || age < 0)) {
        return Session.empty();
      }
      return Session.fromJson(B64_IN.decode(cookie.substring(0, first)));
    } catch (IllegalArgumentException notBase64) {
      return Session.empty();
    }
  }

  private byte[] mac(String signed) {
    try {
      Mac mac = (Mac) prototype.clone(); // Mac is not thread-safe; a clone skips the provider lookup
      return mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII));
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
    }
  }

  /** Configures {@link Sessions}; defaults as Starlette's: cookie {@code session}, 14 days, {@code Path=/}, {@code SameSite=Lax}. */
  public static final class Builder {
    private final Mac mac;
    private String cookieName = "session";
    private Duration maxAge = Duration.ofDays(14);
    private String path = "/";
    private String domain;
    private boolean httpsOnly;
    private SetCookie.SameSite sameSite = SetCookie.SameSite.LAX;
    private boolean partitioned;
    private Clock clock = Clock.systemUTC();

    private Builder(byte[] secret) {
      if (secret.length < 32) {
        throw new IllegalArgumentException("session secret must be at least 32 bytes of random data, got "
            + secret.length + " (e.g. `openssl rand -base64 32`)");
      }
      try {
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is not available", e);
      }
    }

    /** The cookie's name (default {@code session}). */
    public Builder cookieName(String name) {
      SetCookie.of(name, ""); // checks it is a token
      this.cookieName = name;
      return this;
    }

    /**
     * How long a session lasts after it last changed (default 14 days, whole seconds); {@code null}: until the browser closes.
     *
     * @throws IllegalArgumentException if under one second
     */
    public Builder maxAge(Duration age) {
      if (age != null && age.getSeconds() < 1) { // Max-Age is whole seconds: 0 deletes the cookie it sets
        throw new IllegalArgumentException("session maxAge must be at least one second, got " + age);
      }
      this.maxAge = age;
      return this;
    }

    /** The cookie's {@code Path} (default {@code /}). */
    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /** The cookie's {@code Domain}; none by default (this host only). */
    public Builder domain(String domain) {
      this.domain = domain;
      return this;
    }

    /** Marks the cookie {@code Secure}, sent back over HTTPS only (default false, as Starlette's {@code https_only}). */
    public Builder httpsOnly(boolean on) {
      this.httpsOnly = on;
      return this;
    }

    /** The cookie's {@code SameSite} (default {@code LAX}). */
    public Builder sameSite(SetCookie.SameSite mode) {
      this.sameSite = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Marks the cookie {@code Partitioned} (CHIPS; default false, as Starlette's {@code partitioned}):
     * an app embedded in other sites keeps one session per embedding site. Needs {@code httpsOnly(true)}.
     *
     * <pre>{@code
     * Sessions.builder(secret).httpsOnly(true).sameSite(SetCookie.SameSite.NONE).partitioned(true).build()
     * }</pre>
     */
    public Builder partitioned(boolean on) {
      this.partitioned = on;
      return this;
    }

    /** The clock sessions are signed and aged by (tests). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The middleware.
     *
     * @throws IllegalStateException for a cookie browsers refuse: {@code SameSite=None} or
     *     {@code partitioned} without {@code httpsOnly}, a {@code __Secure-} or {@code __Host-} name without what its prefix needs
     */
    public Sessions build() {
      if (sameSite == SetCookie.SameSite.NONE && !httpsOnly) {
        throw new IllegalStateException("sessions with SameSite=None need httpsOnly(true); browsers drop the cookie otherwise");
      }
      try { // checks path and domain once, here, and what browsers would refuse of the cookie
        SetCookie.of(cookieName, "").path(path).domain(domain).httpOnly(true).secure(httpsOnly).sameSite(sameSite)
            .partitioned(partitioned).headerValue();
      } catch (IllegalStateException refused) {
        throw new IllegalStateException("sessions: " + refused.getMessage() + " (httpsOnly(true) makes it Secure)", refused);
      }
      return new Sessions(this);
    }
  }
}

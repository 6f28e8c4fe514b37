package dev.lanes.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One {@code Set-Cookie} (RFC 6265), checked when built: a name that is not a token, or a value
 * with a character a cookie cannot carry (space, {@code "}, {@code ,}, {@code ;}, {@code \},
 * controls, non-ASCII), is refused naming it, instead of a header browsers cut or ignore. Defaults
 * as Starlette's {@code set_cookie}: {@code Path=/}, {@code SameSite=Lax}, no {@code Max-Age} (a
 * browser-session cookie). Immutable.
 *
 * <pre>{@code
 * return Response.text("hi").withCookie(SetCookie.of("theme", "dark").maxAge(Duration.ofDays(30)).httpOnly(true));
 * return Response.text("bye").withCookie(SetCookie.delete("theme"));
 * }</pre>
 */
public final class SetCookie {
  /** The {@code SameSite} attribute. */
  public enum SameSite { STRICT, LAX, NONE }

  private final String name;
  private final String value;
  private final Duration maxAge; // null: none
  private final Instant expires; // null: none
  private final String path; // null: none
  private final String domain; // null: none
  private final boolean secure;
  private final boolean httpOnly;
  private final SameSite sameSite; // null: none
  private final boolean partitioned;

  private SetCookie(String name, String value, Duration maxAge, Instant expires, String path, String domain,
      boolean secure, boolean httpOnly, SameSite sameSite, boolean partitioned) {
    this.name = name;
    this.value = value;
    this.maxAge = maxAge;
    this.expires = expires;
    this.path = path;
    this.domain = domain;
    this.secure = secure;
    this.httpOnly = httpOnly;
    this.sameSite = sameSite;
    this.partitioned = partitioned;
  }

  /**
   * A cookie {@code name=value} for the whole site ({@code Path=/}, {@code SameSite=Lax}).
   *
   * @throws IllegalArgumentException if the name is not an RFC 9110 token or the value holds a
   *     character outside RFC 6265's cookie-octets (encode such values, e.g. Base64url)
   */
  public static SetCookie of(String name, String value) {
    return new SetCookie(checkName(name), checkValue(name, value), null, null, "/", null, false, false, SameSite.LAX, false);
  }

  /**
   * Tells the browser to drop cookie {@code name} (empty value, {@code Max-Age=0} and an
   * {@code Expires} in 1970 for old clients); give it the path and domain the cookie was set with,
   * and {@code partitioned(true)} for a partitioned one.
   */
  public static SetCookie delete(String name) {
    return new SetCookie(checkName(name), "", Duration.ZERO, Instant.EPOCH, "/", null, false, false, SameSite.LAX, false);
  }

  /** Kept for {@code age} (whole seconds; 0 drops it at once). @throws IllegalArgumentException if negative */
  public SetCookie maxAge(Duration age) {
    Objects.requireNonNull(age, "age");
    if (age.isNegative()) {
      throw new IllegalArgumentException("cookie " + name + ": Max-Age must not be negative, got " + age);
    }
    return new SetCookie(name, value, age, expires, path, domain, secure, httpOnly, sameSite, partitioned);
  }

  /**
   * Kept until {@code at} (for clients that know no {@code Max-Age}); an instant past 9999 is
   * written as 9999's last second, one before 1970 as 1970's first (browsers ignore a date before 1601).
   */
  public SetCookie expires(Instant at) {
    return new SetCookie(name, value, maxAge, Objects.requireNonNull(at, "at"), path, domain, secure, httpOnly, sameSite, partitioned);
  }

  /** Sent back only under {@code path}; null for none (the browser takes the request's directory). */
  public SetCookie path(String path) {
    return new SetCookie(name, value, maxAge, expires, path == null ? null : checkAttribute("Path", path), domain,
        secure, httpOnly, sameSite, partitioned);
  }

  /** Sent back to {@code domain} and its subdomains too; null (the default) for this host only. */
  public SetCookie domain(String domain) {
    return new SetCookie(name, value, maxAge, expires, path, domain == null ? null : checkAttribute("Domain", domain),
        secure, httpOnly, sameSite, partitioned);
  }

  /** Sent back over HTTPS only. */
  public SetCookie secure(boolean on) {
    return new SetCookie(name, value, maxAge, expires, path, domain, on, httpOnly, sameSite, partitioned);
  }

  /** Hidden from the page's scripts ({@code document.cookie}). */
  public SetCookie httpOnly(boolean on) {
    return new SetCookie(name, value, maxAge, expires, path, domain, secure, on, sameSite, partitioned);
  }

  /** The {@code SameSite} attribute; null for none. {@code NONE} needs {@link #secure} (browsers drop it otherwise). */
  public SetCookie sameSite(SameSite mode) {
    return new SetCookie(name, value, maxAge, expires, path, domain, secure, httpOnly, mode, partitioned);
  }

  /**
   * The {@code Partitioned} attribute (CHIPS, Starlette's {@code set_cookie(partitioned=True)}): a
   * browser keeps the cookie apart for each top-level site the page is embedded in. Needs
   * {@link #secure} (browsers drop it otherwise); delete it with a partitioned deletion, from
   * inside the same embedding.
   *
   * <pre>{@code
   * SetCookie.of("__Host-widget", id).secure(true).sameSite(SetCookie.SameSite.NONE).partitioned(true)
   * }</pre>
   */
  public SetCookie partitioned(boolean on) {
    return new SetCookie(name, value, maxAge, expires, path, domain, secure, httpOnly, sameSite, on);
  }

  public String name() {
    return name;
  }

  public String value() {
    return value;
  }

  /**
   * The header's value, as {@link Response#withCookie} sends it.
   *
   * @throws IllegalStateException for what browsers refuse: {@code SameSite=None} or
   *     {@code Partitioned} without {@code Secure}, a {@code __Secure-} name without {@code Secure}, a {@code __Host-} name
   *     without {@code Secure}, with a {@code Domain} or a {@code Path} other than {@code /}
   *     (RFC 6265bis 4.1.3; the prefixes match ignoring case)
   */
  public String headerValue() {
    if (sameSite == SameSite.NONE && !secure) {
      throw new IllegalStateException("cookie " + name + ": SameSite=None needs secure(true); browsers drop it otherwise");
    }
    if (partitioned && !secure) {
      throw new IllegalStateException("cookie " + name + ": Partitioned needs secure(true); browsers drop it otherwise");
    }
    if (name.regionMatches(true, 0, "__Secure-", 0, 9) && !secure) {
      throw new IllegalStateException("cookie " + name + ": the __Secure- prefix needs secure(true); browsers drop it otherwise");
    }
    if (name.regionMatches(true, 0, "__Host-", 0, 7) && (!secure || domain != null || !"/".equals(path))) {
      throw new IllegalStateException("cookie " + name + ": the __Host- prefix needs secure(true), Path=/ and no Domain"
          + " (has " + (secure ? "" : "no Secure, ") + (domain == null ? "" : "Domain=" + domain + ", ")
          + "Path=" + path + "); browsers drop it otherwise");
    }
    return written();
  }

  private String written() {
    StringBuilder b = new StringBuilder(64).append(name).append('=').append(value);
    if (maxAge != null) {
      b.append("; Max-Age=").append(maxAge.getSeconds());
    }
    if (expires != null) {
      // A cookie-date before 1601 fails to parse (RFC 6265 5.1.1) and the browser ignores it: any
      // past instant is written as the epoch, still in the past. HttpDate keeps the year to 9999.
      b.append("; Expires=").append(HttpDate.format(expires.isBefore(Instant.EPOCH) ? Instant.EPOCH : expires));
    }
    if (domain != null) {
      b.append("; Domain=").append(domain);
    }
    if (path != null) {
      b.append("; Path=").append(path);
    }
    if (secure) {
      b.append("; Secure");
    }
    if (httpOnly) {
      b.append("; HttpOnly");
    }
    if (sameSite != null) {
      String mode = sameSite.name().toLowerCase(Locale.ROOT);
      b.append("; SameSite=").append(Character.toUpperCase(mode.charAt(0))).append(mode, 1, mode.length());
    }
    if (partitioned) {
      b.append("; Partitioned");
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "SetCookie[" + written() + "]"; // unchecked: describing a cookie that would be refused must not fail
  }

  private static String checkName(String name) {
    Objects.requireNonNull(name, "cookie name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty cookie name");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
        throw new IllegalArgumentException("cookie name " + quoted(name) + " is not a token: " + describe(c)
            + " at " + i);
      }
    }
    return name;
  }

  /** RFC 6265 4.1.1: cookie-octet, optionally the whole value in double quotes. */
  private static String checkValue(String name, String value) {
    Objects.requireNonNull(value, () -> "cookie " + name + " has a null value");
    int from = 0;
    int to = value.length();
    if (to >= 2 && value.charAt(0) == '"' && value.charAt(to - 1) == '"') {
      from = 1;
      to--;
    }
    for (int i = from; i < to; i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '"' || c == ',' || c == ';' || c == '\\') {
        throw new IllegalArgumentException("cookie " + name + ": its value cannot carry " + describe(c) + " (at " + i
            + "); encode it, e.g. Base64url or percent-encoding");
      }
    }
    return value;
  }

  private static String checkAttribute(String attribute, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f || c == ';' || c > 0x7e) {
        throw new IllegalArgumentException("cookie " + attribute + " cannot carry " + describe(c) + ": " + quoted(value));
      }
    }
    return value;
  }

  private static String describe(char c) {
    return c > ' ' && c < 127 ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  private static String quoted(String s) {
    return "'" + s.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}

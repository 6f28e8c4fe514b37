package dev.lanes.routing;

import dev.lanes.http.HttpException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A route's path template: literal segments and {@code {name}} or {@code {name:type}} parameters.
 * A parameter matches only a segment of its type's shape:
 * <ul>
 *   <li>{@code str} (the default): one non-empty segment;
 *   <li>{@code int}, {@code long}: ASCII digits, no sign ({@code [0-9]+}, as in Starlette, Django
 *       and Flask);
 *   <li>{@code uuid}: the canonical 8-4-4-4-12 hex form, either case;
 *   <li>{@code path}: the rest of the path, slashes included, non-empty; last segment only.
 * </ul>
 * A segment of another shape is no match, so the router tries later routes: with
 * {@code /items/{id:long}} then {@code /items/{slug}}, {@code /items/abc} reaches {@code {slug}}.
 * Digits too many for their type ({@code 99999999999999999999} for a long) do match, and the request
 * ends with 400 naming the parameter: a number out of range is a bad id, not a name for a later
 * route to take.
 *
 * <pre>{@code PathPattern.parse("/items/{id:long}/files/{rest:path}") }</pre>
 */
public final class PathPattern {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern UUID_FORM = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private enum Type {
    STR("text"), INT("an int"), LONG("a long"), UUID("a UUID"), PATH("a path");

    private final String expected;

    Type(String expected) {
      this.expected = expected;
    }

    /** Whether a non-empty segment has this type's shape; the router tries later routes if not. */
    boolean fits(String value) {
      return switch (this) {
        case STR, PATH -> true;
        case INT, LONG -> digits(value);
        case UUID -> UUID_FORM.matcher(value).matches();
      };
    }

    /** Whether a value of this type's shape converts: digits may be too many. */
    boolean converts(String value) {
      try {
        switch (this) {
          case INT -> Integer.parseInt(value);
          case LONG -> Long.parseLong(value);
          default -> { }
        }
        return true;
      } catch (NumberFormatException e) {
        return false;
      }
    }
  }

  private record Segment(String literal, String param, Type type) {}

  private final String template;
  private final List<Segment> segments;
  private final boolean literal;

  private PathPattern(String template, List<Segment> segments) {
    this.template = template;
    this.segments = segments;
    this.literal = segments.stream().allMatch(s -> s.param == null);
  }

  /** Parses a template; a malformed one fails here, when the app is built. */
  public static PathPattern parse(String template) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + template);
    }
    List<Segment> segments = new ArrayList<>();
    String[] parts = template.substring(1).split("/", -1);
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (p.startsWith("{") && p.endsWith("}")) {
        String[] nt = p.substring(1, p.length() - 1).split(":", 2);
        if (!NAME.matcher(nt[0]).matches()) {
          throw new IllegalArgumentException("bad parameter name '" + nt[0] + "' in " + template);
        }
        if (seen.contains(nt[0])) {
          throw new IllegalArgumentException("parameter '" + nt[0] + "' repeated in " + template);
        }
        seen.add(nt[0]);
        Type type = nt.length == 1 ? Type.STR : switch (nt[1]) {
          case "str" -> Type.STR;
          case "int" -> Type.INT;
          case "long" -> Type.LONG;
          case "uuid" -> Type.UUID;
          case "path" -> Type.PATH;
          default -> throw new IllegalArgumentException("unknown parameter type '" + nt[1] + "' in " + template);
        };
        if (type == Type.PATH && i != parts.length - 1) {
          throw new IllegalArgumentException("a {name:path} parameter must be last: " + template);
        }
        segments.add(new Segment(null, nt[0], type));
      } else if (p.contains("{") || p.contains("}")) {
        throw new IllegalArgumentException("a parameter must be a whole segment: " + template);
      } else {
        segments.add(new Segment(p, null, null));
      }
    }
    return new PathPattern(template, List.copyOf(segments));
  }

  public String template() {
    return template;
  }

  /** Whether the template has no parameters (so it can be looked up by exact path). */
  public boolean isLiteral() {
    return literal;
  }

  /**
   * Matches {@code path}; returns the raw parameter values, or empty if the path does not fit,
   * a typed parameter's shape included.
   *
   * @throws HttpException 400 if the path fits but a number is out of its type's range
   */
  public Optional<Map<String, String>> match(String path) {
    if (literal) {
      return template.equals(path) ? Optional.of(Map.of()) : Optional.empty();
    }
    String[] values = values(path);
    if (values == null || misfit(values) >= 0) {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      Segment s = segments.get(i);
      if (s.param != null) {
        if (!s.type.converts(values[i])) {
          throw rejection(s, values[i], ": too large");
        }
        params.put(s.param, values[i]);
      }
    }
    return Optional.of(params);
  }

  /**
   * The path this template gives with {@code params} in its parameters, percent-encoded as a
   * request target (UTF-8; RFC 3986 {@code pchar}s kept), so the router takes it back to this
   * template with the same values: Starlette's {@code url_path_for}. Each value must fit its
   * segment's type: {@code int}/{@code long} an integral {@link Number} or digit string in range, no
   * sign; {@code uuid} a {@link java.util.UUID} or its canonical text; {@code str} and {@code path}
   * any non-empty text ({@code toString()}), a {@code path} keeping its slashes. A {@code str}
   * value must not hold {@code /}: an encoded {@code %2F} still separates segments when routed; no
   * value may be or hold a {@code .} or {@code ..} segment or a control character, which the server
   * refuses with 400.
   *
   * <pre>{@code PathPattern.parse("/items/{id:long}").path(Map.of("id", 5))  // "/items/5"}</pre>
   *
   * @throws IllegalArgumentException naming the parameter missing, extra or of the wrong type
   */
  public String path(Map<String, ?> params) {
    for (String given : params.keySet()) {
      if (segments.stream().noneMatch(s -> given.equals(s.param))) {
        throw new IllegalArgumentException(template + " has no parameter '" + given + "'; parameters: "
            + segments.stream().filter(s -> s.param != null).map(Segment::param).toList());
      }
    }
    StringBuilder out = new StringBuilder(template.length() + 16);
    for (Segment s : segments) {
      out.append('/');
      if (s.param == null) {
        encode(s.literal, false, out);
        continue;
      }
      Object value = params.get(s.param);
      if (value == null) {
        throw new IllegalArgumentException(template + ": parameter '" + s.param + "' is missing");
      }
      encode(text(s, value), s.type == Type.PATH, out);
    }
    return out.toString();
  }

  /** A parameter's value as its segment's text, checked for the segment's type. */
  private String text(Segment s, Object value) {
    String text = switch (s.type) {
      case INT, LONG -> value instanceof Byte || value instanceof Short || value instanceof Integer
          || value instanceof Long || value instanceof java.math.BigInteger || value instanceof CharSequence
          ? value.toString() : null;
      case UUID -> value instanceof java.util.UUID || value instanceof CharSequence
          ? value.toString().toLowerCase(java.util.Locale.ROOT) : null;
      case STR, PATH -> value.toString();
    };
    if (text == null || text.isEmpty() || !s.type.fits(text) || !s.type.converts(text)) {
      throw new IllegalArgumentException(template + ": parameter '" + s.param + "' must be "
          + (s.type == Type.STR || s.type == Type.PATH ? "non-empty text" : s.type.expected
              + (s.type == Type.UUID ? "" : ", not negative, in range"))
          + ", got " + value.getClass().getSimpleName() + " '" + value + "'");
    }
    if (s.type == Type.INT || s.type == Type.LONG) {
      return new java.math.BigInteger(text).toString(); // "007" is 7: one URL per value, as Starlette's str(int(v))
    }
    if (s.type == Type.STR && text.indexOf('/') >= 0) {
      throw new IllegalArgumentException(template + ": parameter '" + s.param + "' must not hold '/' (a "
          + "{name:path} parameter may), got '" + text + "'");
    }
    // What the server refuses before routing (a control character, a '.' or '..' segment) would
    // make a URL that never reaches this route.
    if (text.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
      throw new IllegalArgumentException(template + ": parameter '" + s.param + "' must not hold a control"
          + " character (the server refuses them)");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // UTF-8 has no form for a lone surrogate: Java's encoder would send '?' in its place.
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(template + ": parameter '" + s.param + "' holds a lone surrogate"
            + " (no UTF-8 form) at " + i);
      }
    }
    if (s.type == Type.STR || s.type == Type.PATH) {
      for (String part : text.split("/", -1)) {
        if (part.equals(".") || part.equals("..")) {
          throw new IllegalArgumentException(template + ": parameter '" + s.param + "' must not hold a '.' or"
              + " '..' segment (the server refuses them), got '" + text + "'");
        }
      }
    }
    return text;
  }

  /** Appends {@code text} as UTF-8, each byte not an RFC 3986 {@code pchar} (or {@code /}, if kept) escaped. */
  private static void encode(String text, boolean keepSlashes, StringBuilder out) {
    for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~!$&'()*+,;=:@".indexOf(c) >= 0
          || c == '/' && keepSlashes) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
  }

  /** Whether {@code path} fits, typed shapes included, leaving numbers unconverted. */
  public boolean fits(String path) {
    if (literal) {
      return template.equals(path);
    }
    String[] values = values(path);
    return values != null && misfit(values) < 0;
  }

  /**
   * The 400 for a path that fits but for the shape of a typed parameter (the first such one), so a
   * request no route takes can be told which parameter it got wrong; empty otherwise.
   */
  public Optional<HttpException> typeMismatch(String path) {
    String[] values = literal ? null : values(path);
    int i = values == null ? -1 : misfit(values);
    if (i < 0) {
      return Optional.empty();
    }
    Segment s = segments.get(i);
    boolean signed = (s.type == Type.INT || s.type == Type.LONG) && values[i].startsWith("-");
    return Optional.of(rejection(s, values[i], signed ? ": digits only, no sign" : ""));
  }

  /**
   * Whether this pattern takes first every path {@code later} matches (matching it, or ending it with
   * 400 for a number out of range), so a route with {@code later} tried after this one is unreachable.
   * Decided segment by segment and exact: a literal covers only itself; {@code str} covers any
   * non-empty literal and every type but {@code path}; {@code int} and {@code long} cover each other
   * (both take all digits) and all-digit literals; {@code uuid} covers {@code uuid} and UUID literals;
   * a last {@code path} covers any non-empty rest.
   */
  public boolean covers(PathPattern later) {
    List<Segment> other = later.segments;
    int n = segments.size();
    boolean rest = segments.get(n - 1).type == Type.PATH;
    if (rest ? other.size() < n : other.size() != n) {
      return false;
    }
    int fixed = rest ? n - 1 : n;
    for (int i = 0; i < fixed; i++) {
      if (!covers(segments.get(i), other.get(i))) {
        return false;
      }
    }
    if (rest && other.size() == n) {
      Segment last = other.get(n - 1);
      return last.param != null || !last.literal.isEmpty(); // the rest must not be empty
    }
    return true;
  }

  private static boolean covers(Segment earlier, Segment later) {
    if (earlier.param == null) {
      return later.param == null && earlier.literal.equals(later.literal);
    }
    if (later.param == null) {
      return !later.literal.isEmpty() && earlier.type.fits(later.literal);
    }
    return switch (earlier.type) {
      case STR -> later.type != Type.PATH;
      case INT, LONG -> later.type == Type.INT || later.type == Type.LONG;
      case UUID -> later.type == Type.UUID;
      case PATH -> true; // not reached: a path parameter is last, handled by the caller
    };
  }

  /** Each segment's value if {@code path} has the template's layout (typed shapes unchecked), else null. */
  private String[] values(String path) {
    if (!path.startsWith("/")) {
      return null;
    }
    String[] values = new String[segments.size()];
    int pos = 1;
    for (int i = 0; i < values.length; i++) {
      Segment s = segments.get(i);
      boolean last = i == values.length - 1;
      if (pos > path.length()) {
        return null;
      }
      int end = s.type == Type.PATH ? path.length() : nextSlash(path, pos);
      if (last != (end == path.length())) {
        return null;
      }
      String value = path.substring(pos, end);
      if (s.param == null ? !s.literal.equals(value) : value.isEmpty()) {
        return null;
      }
      values[i] = value;
      pos = end + 1;
    }
    return values;
  }

  /** The index of the first parameter whose value is not of its type's shape, or -1. */
  private int misfit(String[] values) {
    for (int i = 0; i < values.length; i++) {
      Segment s = segments.get(i);
      if (s.param != null && !s.type.fits(values[i])) {
        return i;
      }
    }
    return -1;
  }

  private static int nextSlash(String path, int from) {
    int slash = path.indexOf('/', from);
    return slash < 0 ? path.length() : slash;
  }

  private static boolean digits(String v) {
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') {
        return false;
      }
    }
    return !v.isEmpty();
  }

  private static HttpException rejection(Segment s, String value, String why) {
    return new HttpException(400, "path parameter '" + s.param + "' must be " + s.type.expected
        + ", got '" + (value.length() > 64 ? value.substring(0, 61) + "..." : value) + "'" + why);
  }

  @Override
  public String toString() {
    return template;
  }
}

package dev.lanes.routing;

import dev.lanes.http.HttpException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A route's path template: literal segments and {@code {name}} or {@code {name:type}} parameters,
 * where type is {@code str} (default), {@code int}, {@code long}, {@code uuid} or {@code path}
 * (the rest of the path, slashes included; last segment only). A typed parameter whose value does
 * not convert ends the request with 400 naming the parameter.
 *
 * <pre>{@code PathPattern.parse("/items/{id:long}/files/{rest:path}") }</pre>
 */
public final class PathPattern {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private enum Type { STR, INT, LONG, UUID, PATH }

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
   * Matches {@code path}; returns the raw parameter values, or empty if the path does not fit.
   *
   * @throws HttpException 400 if the path fits but a typed parameter does not convert
   */
  public Optional<Map<String, String>> match(String path) {
    if (literal) {
      return template.equals(path) ? Optional.of(Map.of()) : Optional.empty();
    }
    if (!path.startsWith("/")) {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    int pos = 1;
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      boolean last = i == segments.size() - 1;
      if (pos > path.length()) {
        return Optional.empty();
      }
      int end = s.type == Type.PATH ? path.length() : nextSlash(path, pos);
      if (last != (end == path.length())) {
        return Optional.empty();
      }
      String value = path.substring(pos, end);
      if (s.param == null) {
        if (!s.literal.equals(value)) {
          return Optional.empty();
        }
      } else {
        if (value.isEmpty()) {
          return Optional.empty();
        }
        params.put(s.param, value);
      }
      pos = end + 1;
    }
    for (Segment s : segments) {
      if (s.param != null) {
        check(s, params.get(s.param));
      }
    }
    return Optional.of(params);
  }

  private static int nextSlash(String path, int from) {
    int slash = path.indexOf('/', from);
    return slash < 0 ? path.length() : slash;
  }

  private static void check(Segment s, String value) {
    boolean ok = switch (s.type) {
      case STR, PATH -> true;
      case INT -> fits(value, 9);
      case LONG -> fits(value, 18);
      case UUID -> UUID.matcher(value).matches();
    };
    if (!ok) {
      String expected = switch (s.type) {
        case INT -> "an int";
        case LONG -> "a long";
        case UUID -> "a UUID";
        default -> "text";
      };
      throw new HttpException(400, "path parameter '" + s.param + "' must be " + expected
          + ", got '" + (value.length() > 64 ? value.substring(0, 61) + "..." : value) + "'");
    }
  }

  private static boolean fits(String v, int maxDigits) {
    int start = v.startsWith("-") ? 1 : 0;
    if (v.length() == start || v.length() - start > maxDigits + 1) {
      return false;
    }
    for (int i = start; i < v.length(); i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') {
        return false;
      }
    }
    try {
      if (maxDigits == 9) {
        Integer.parseInt(v);
      } else {
        Long.parseLong(v);
      }
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return template;
  }
}

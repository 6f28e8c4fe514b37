package dev.lanes.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Path or query parameters with typed access. A missing or malformed value ends the request with
 * {@code 400} and a message naming the parameter, so handlers need no parsing boilerplate.
 *
 * <pre>{@code long id = req.pathParams().getLong("id"); int n = req.query().getInt("n", 10); }</pre>
 */
public final class Params {
  private static final Params EMPTY = new Params("parameter", Map.of());
  private final String kind;
  private final Map<String, List<String>> values;

  private Params(String kind, Map<String, List<String>> values) {
    this.kind = kind;
    this.values = values;
  }

  /**
   * Parameters of a kind ("path parameter", "query parameter") used in error messages; their
   * names keep {@code values}' order, as Starlette's multi-dicts keep the order sent.
   */
  public static Params of(String kind, Map<String, List<String>> values) {
    if (values.isEmpty() && kind.equals(EMPTY.kind)) {
      return EMPTY;
    }
    // One name has one order: the compact copy; more keep theirs.
    return new Params(kind, values.size() <= 1 ? Map.copyOf(values)
        : Collections.unmodifiableMap(new LinkedHashMap<>(values)));
  }

  public static Params empty() {
    return EMPTY;
  }

  public Set<String> names() {
    return values.keySet();
  }

  public boolean contains(String name) {
    return values.containsKey(name);
  }

  /** The first value of {@code name}; 400 if absent. */
  public String get(String name) {
    return optional(name).orElseThrow(() -> new HttpException(400, "missing " + kind + " '" + name + "'"));
  }

  public Optional<String> optional(String name) {
    List<String> v = values.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /** Every value of {@code name} ({@code ?tag=a&tag=b}). */
  public List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  public int getInt(String name) {
    return convert(name, get(name), Integer::parseInt, "an integer");
  }

  public int getInt(String name, int fallback) {
    return optional(name).map(v -> convert(name, v, Integer::parseInt, "an integer")).orElse(fallback);
  }

  public long getLong(String name) {
    return convert(name, get(name), Long::parseLong, "an integer");
  }

  public long getLong(String name, long fallback) {
    return optional(name).map(v -> convert(name, v, Long::parseLong, "an integer")).orElse(fallback);
  }

  public double getDouble(String name) {
    return convert(name, get(name), Params::finiteDouble, "a number");
  }

  public double getDouble(String name, double fallback) {
    return optional(name).map(v -> convert(name, v, Params::finiteDouble, "a number")).orElse(fallback);
  }

  public boolean getBoolean(String name, boolean fallback) {
    return optional(name).map(v -> convert(name, v, Params::strictBoolean, "true or false"))
        .orElse(fallback);
  }

  public UUID getUuid(String name) {
    return convert(name, get(name), UUID::fromString, "a UUID");
  }

  /** Converts with {@code parser}; any exception it throws becomes a 400 naming {@code expected}. */
  public <T> T get(String name, Function<String, T> parser, String expected) {
    return convert(name, get(name), parser, expected);
  }

  private <T> T convert(String name, String raw, Function<String, T> parser, String expected) {
    try {
      return parser.apply(raw);
    } catch (RuntimeException e) {
      throw new HttpException(400, kind + " '" + name + "' must be " + expected + ", got '"
          + abbreviate(raw) + "'");
    }
  }

  private static double finiteDouble(String s) {
    double d = Double.parseDouble(s);
    if (!Double.isFinite(d)) {
      throw new NumberFormatException("not finite");
    }
    return d;
  }

  private static boolean strictBoolean(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException(s);
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }

  @Override
  public String toString() {
    return values.toString();
  }
}

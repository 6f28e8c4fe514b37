package dev.lanes.typed;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A single value read the way pydantic 2 reads it in lax mode: strings only from strings,
 * integers from integers, integral floats and integer strings, numbers from numbers and numeric
 * strings (never non-finite), booleans from booleans, 0/1 and pydantic's words, enums by value,
 * UUIDs from text ({@link UuidSyntax}), dates and datetimes from text and unix timestamps, times from
 * text and seconds since midnight ({@link DateSyntax}), durations from text and seconds ({@link DurationSyntax}).
 */
final class Scalar implements Shape {
  enum Kind { STRING, INT, LONG, DOUBLE, BOOLEAN, ENUM, UUID, DATE, DATETIME, TIME, DURATION }

  // Possessive repeats: a greedy group repeat recurses once per digit, and a few thousand digits overflowed the stack.
  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9](?:_?[0-9])*+(\\.0++)?"); // "1.0", not "1."
  // Matched once underscores are taken out (see withoutUnderscores).
  private static final Pattern NUMBER = Pattern.compile("[+-]?([0-9]++(\\.[0-9]*+)?|\\.[0-9]++)([eE][+-]?[0-9]++)?");
  private static final Pattern NON_FINITE = Pattern.compile("[+-]?(inf|infinity|nan)", Pattern.CASE_INSENSITIVE);

  private final Kind kind;
  private final Class<?> type;
  private final Map<String, Object> constants; // enum value -> constant
  private final String expected; // enum: 'a', 'b' or 'c'

  private Scalar(Kind kind, Class<?> type, Map<String, Object> constants, String expected) {
    this.kind = kind;
    this.type = type;
    this.constants = constants;
    this.expected = expected;
  }

  /** The scalar shape of {@code type}, or null if it is not a scalar. */
  static Scalar of(Class<?> type) {
    if (type == String.class) {
      return new Scalar(Kind.STRING, type, Map.of(), "");
    } else if (type == int.class || type == Integer.class) {
      return new Scalar(Kind.INT, type, Map.of(), "");
    } else if (type == long.class || type == Long.class) {
      return new Scalar(Kind.LONG, type, Map.of(), "");
    } else if (type == double.class || type == Double.class) {
      return new Scalar(Kind.DOUBLE, type, Map.of(), "");
    } else if (type == boolean.class || type == Boolean.class) {
      return new Scalar(Kind.BOOLEAN, type, Map.of(), "");
    } else if (type == UUID.class) {
      return new Scalar(Kind.UUID, type, Map.of(), "");
    } else if (type == LocalDate.class) {
      return new Scalar(Kind.DATE, type, Map.of(), "");
    } else if (type == LocalDateTime.class || type == OffsetDateTime.class || type == Instant.class) {
      return new Scalar(Kind.DATETIME, type, Map.of(), "");
    } else if (type == LocalTime.class || type == OffsetTime.class) {
      return new Scalar(Kind.TIME, type, Map.of(), "");
    } else if (type == Duration.class) {
      return new Scalar(Kind.DURATION, type, Map.of(), "");
    } else if (type.isEnum()) {
      Map<String, Object> constants = new LinkedHashMap<>();
      for (Object c : type.getEnumConstants()) {
        constants.put(valueOf((Enum<?>) c), c);
      }
      List<String> quoted = new ArrayList<>();
      constants.keySet().forEach(k -> quoted.add("'" + k + "'"));
      String expected = quoted.size() == 1 ? quoted.get(0)
          : String.join(", ", quoted.subList(0, quoted.size() - 1)) + " or " + quoted.get(quoted.size() - 1);
      return new Scalar(Kind.ENUM, type, java.util.Collections.unmodifiableMap(constants), expected);
    }
    return null;
  }

  /** An enum constant's value: its {@code @JsonProperty} name if it has one (as Jackson writes it), else its name. */
  static String valueOf(Enum<?> constant) {
    try {
      JsonProperty p = constant.getDeclaringClass().getField(constant.name()).getAnnotation(JsonProperty.class);
      return p != null && !p.value().isEmpty() ? p.value() : constant.name();
    } catch (NoSuchFieldException e) {
      return constant.name();
    }
  }

  Kind kind() {
    return kind;
  }

  @Override
  public Class<?> type() {
    return type;
  }

  @Override
  public Object fromJson(JsonNode n, Loc loc, Violations v) {
    switch (kind) {
      case STRING -> {
        if (n.isTextual()) {
          return n.textValue();
        }
        v.add("string_type", loc, "Input should be a valid string", n);
      }
      case INT, LONG -> {
        if (n.isIntegralNumber()) {
          if (kind == Kind.INT ? n.canConvertToInt() : n.canConvertToLong()) {
            return kind == Kind.INT ? (Object) n.intValue() : (Object) n.longValue();
          }
          return integral(n.bigIntegerValue().toString(), loc, n, v); // out of range, as the same number as text
        } else if (n.isFloatingPointNumber()) {
          double d = n.doubleValue();
          if (!Double.isFinite(d)) {
            v.add("finite_number", loc, "Input should be a finite number", nonFinite(d));
          } else if (d != Math.rint(d)) {
            v.add("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part", n);
          } else {
            return integral(n.decimalValue().toBigInteger().toString(), loc, n, v);
          }
        } else if (n.isTextual()) {
          return fromText(n.textValue(), loc, v, n);
        } else if (n.isBoolean()) {
          return kind == Kind.INT ? (Object) (n.booleanValue() ? 1 : 0) : (Object) (n.booleanValue() ? 1L : 0L);
        } else {
          v.add("int_type", loc, "Input should be a valid integer", n);
        }
      }
      case DOUBLE -> {
        if (n.isNumber()) {
          double d = n.doubleValue();
          if (Double.isFinite(d)) {
            return d;
          }
          v.add("finite_number", loc, "Input should be a finite number", nonFinite(d));
        } else if (n.isTextual()) {
          return fromText(n.textValue(), loc, v, n);
        } else if (n.isBoolean()) {
          return n.booleanValue() ? 1.0 : 0.0;
        } else {
          v.add("float_type", loc, "Input should be a valid number", n);
        }
      }
      case BOOLEAN -> {
        if (n.isBoolean()) {
          return n.booleanValue();
        } else if (n.isTextual()) {
          return fromText(n.textValue(), loc, v, n);
        } else if (n.isNumber()) {
          // pydantic reads a number as a boolean through a 64-bit integer: 0 or 1 (1.0 too), another
          // integer is bool_parsing, a fraction or one past 64 bits not a boolean at all
          Long whole = n.isIntegralNumber() ? (n.canConvertToLong() ? n.longValue() : null)
              : n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < 0x1p63
                  ? (long) n.doubleValue() : null;
          if (whole == null) {
            v.add("bool_type", loc, "Input should be a valid boolean", n);
          } else if (whole == 0 || whole == 1) {
            return whole == 1;
          } else {
            v.add("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", n);
          }
        } else {
          v.add("bool_type", loc, "Input should be a valid boolean", n);
        }
      }
      case ENUM -> {
        Object c = n.isTextual() ? constants.get(n.textValue()) : null;
        if (c != null) {
          return c;
        }
        v.add("enum", loc, "Input should be " + expected, n, Map.of("expected", expected));
      }
      case UUID -> {
        if (n.isTextual()) {
          return fromText(n.textValue(), loc, v, n);
        }
        v.add("uuid_type", loc, "UUID input should be a string, bytes or UUID object", n);
      }
      case DATE -> {
        if (n.isTextual()) {
          return fromText(n.textValue(), loc, v, n);
        } else if (n.isNumber()) {
          Object read = n.isIntegralNumber() && n.canConvertToLong() ? DateSyntax.date(n.longValue())
              : DateSyntax.date(n.doubleValue()); // a fraction, or past 64 bits as pydantic's float
          return date(read, loc, v, Double.isNaN(n.doubleValue()) ? nonFinite(n.doubleValue()) : n);
        } else {
          v.add("date_type", loc, "Input should be a valid date", n);
        }
      }
      case DATETIME -> {
        if (n.isTextual()) {
          return fromText(n.textValue(), loc, v, n);
        } else if (n.isNumber()) {
          Object read = n.isIntegralNumber() && n.canConvertToLong() ? DateSyntax.datetime(n.longValue(), type)
              : DateSyntax.datetime(n.doubleValue(), type);
          return date(read, loc, v, Double.isNaN(n.doubleValue()) ? nonFinite(n.doubleValue()) : n);
        } else {
          v.add("datetime_type", loc, "Input should be a valid datetime", n);
        }
      }
      case TIME -> {
        if (n.isTextual()) {
          return fromText(n.textValue(), loc, v, n);
        } else if (n.isNumber()) {
          return date(DateSyntax.time(n.doubleValue(), type), loc, v,
              Double.isNaN(n.doubleValue()) ? nonFinite(n.doubleValue()) : n);
        } else {
          v.add("time_type", loc, "Input should be a valid time", n);
        }
      }
      case DURATION -> {
        if (n.isTextual()) {
          return fromText(n.textValue(), loc, v, n);
        } else if (n.isNumber()) {
          return date(DurationSyntax.seconds(n.doubleValue()), loc, v,
              Double.isNaN(n.doubleValue()) ? nonFinite(n.doubleValue()) : n);
        } else if (n.isBoolean()) { // pydantic reads true as one second
          return Duration.ofSeconds(n.booleanValue() ? 1 : 0);
        } else {
          v.add("time_delta_type", loc, "Input should be a valid timedelta", n);
        }
      }
    }
    return INVALID;
  }

  /** A date's, datetime's, time's or duration's value, or INVALID with its refusal reported. */
  private static Object date(Object read, Loc loc, Violations v, JsonNode input) {
    if (read instanceof DateSyntax.Refusal r) {
      v.add(r.type(), loc, r.msg(), input, r.reason() == null ? Map.of() : Map.of("error", r.reason()));
      return INVALID;
    }
    return read;
  }

  /**
   * The exact-type cases only, read with the calls Jackson's tree uses (so the values are the
   * same); coercions (numeric strings, booleans as numbers) and refusals go to the tree.
   */
  @Override
  public Object read(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (kind) {
      case STRING -> {
        if (t == JsonToken.VALUE_STRING) {
          return p.getText();
        }
      }
      case INT, LONG -> {
        if (t == JsonToken.VALUE_NUMBER_INT) {
          JsonParser.NumberType n = p.getNumberType();
          if (n == JsonParser.NumberType.INT) {
            return kind == Kind.INT ? (Object) p.getIntValue() : (Object) (long) p.getIntValue();
          }
          if (n == JsonParser.NumberType.LONG && kind == Kind.LONG) {
            return p.getLongValue();
          }
        }
      }
      case DOUBLE -> {
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
          double d = p.getDoubleValue();
          if (Double.isFinite(d)) {
            return d;
          }
        } else if (t == JsonToken.VALUE_NUMBER_INT) {
          JsonParser.NumberType n = p.getNumberType();
          if (n == JsonParser.NumberType.INT) {
            return (double) p.getIntValue();
          }
          if (n == JsonParser.NumberType.LONG) {
            return (double) p.getLongValue();
          }
        }
      }
      case BOOLEAN -> {
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
          return t == JsonToken.VALUE_TRUE;
        }
      }
      case ENUM -> {
        if (t == JsonToken.VALUE_STRING) {
          Object c = constants.get(p.getText());
          if (c != null) {
            return c;
          }
        }
      }
      case UUID -> {
        if (t == JsonToken.VALUE_STRING) {
          UUID u = UuidSyntax.parse(p.getText());
          if (u != null) {
            return u;
          }
        }
      }
      case DATE -> {
        if (t == JsonToken.VALUE_STRING) {
          Object d = DateSyntax.date(p.getText());
          if (d instanceof LocalDate) {
            return d;
          }
        }
      }
      case DATETIME, TIME, DURATION -> {
        if (t == JsonToken.VALUE_STRING) {
          Object d = kind == Kind.TIME ? DateSyntax.time(p.getText(), type)
              : kind == Kind.DURATION ? DurationSyntax.parse(p.getText()) : DateSyntax.datetime(p.getText(), type);
          if (!(d instanceof DateSyntax.Refusal)) {
            return d;
          }
        }
      }
    }
    return REREAD;
  }

  @Override
  public Object fromText(String s, Loc loc, Violations v) {
    return fromText(s, loc, v, null);
  }

  private Object fromText(String s, Loc loc, Violations v, JsonNode original) {
    switch (kind) {
      case STRING -> {
        return s;
      }
      case INT, LONG -> {
        if (!s.isEmpty() && s.length() <= 9 && plainDigits(s)) { // the common case: no sign, spaces, _ or .0
          int parsed = Integer.parseInt(s);
          return kind == Kind.INT ? (Object) parsed : (Object) (long) parsed;
        }
        String t = stripWhiteSpace(s);
        if (INTEGER.matcher(t).matches()) {
          int dot = t.indexOf('.');
          return integral((dot < 0 ? t : t.substring(0, dot)).replace("_", ""), loc,
              original == null ? TextNode.valueOf(s) : original, v);
        }
        v.add("int_parsing", loc, "Input should be a valid integer, unable to parse string as an integer",
            original == null ? TextNode.valueOf(s) : original);
      }
      case DOUBLE -> {
        String t = withoutUnderscores(stripWhiteSpace(s));
        if (NUMBER.matcher(t).matches()) {
          double d = Double.parseDouble(t);
          if (Double.isFinite(d)) {
            return d;
          }
          v.add("finite_number", loc, "Input should be a finite number", original == null ? TextNode.valueOf(s) : original);
        } else if (NON_FINITE.matcher(t).matches()) {
          v.add("finite_number", loc, "Input should be a finite number", original == null ? TextNode.valueOf(s) : original);
        } else {
          v.add("float_parsing", loc, "Input should be a valid number, unable to parse string as a number",
              original == null ? TextNode.valueOf(s) : original);
        }
      }
      case BOOLEAN -> {
        switch (s.toLowerCase(Locale.ROOT)) { // unlike a number's, a boolean's spaces are not stripped
          case "1", "on", "t", "true", "y", "yes" -> {
            return true;
          }
          case "0", "off", "f", "false", "n", "no" -> {
            return false;
          }
          default -> v.add("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input",
              original == null ? TextNode.valueOf(s) : original);
        }
      }
      case ENUM -> {
        Object c = constants.get(s);
        if (c != null) {
          return c;
        }
        v.add("enum", loc, "Input should be " + expected, original == null ? TextNode.valueOf(s) : original,
            Map.of("expected", expected));
      }
      case UUID -> {
        UUID u = UuidSyntax.parse(s);
        if (u != null) {
          return u;
        }
        String reason = UuidSyntax.reason(s);
        v.add("uuid_parsing", loc, "Input should be a valid UUID, " + reason,
            original == null ? TextNode.valueOf(s) : original, Map.of("error", reason));
      }
      case DATE -> {
        return date(DateSyntax.date(s), loc, v, original == null ? TextNode.valueOf(s) : original);
      }
      case DATETIME -> {
        return date(DateSyntax.datetime(s, type), loc, v, original == null ? TextNode.valueOf(s) : original);
      }
      case TIME -> {
        return date(DateSyntax.time(s, type), loc, v, original == null ? TextNode.valueOf(s) : original);
      }
      case DURATION -> {
        return date(DurationSyntax.parse(s), loc, v, original == null ? TextNode.valueOf(s) : original);
      }
    }
    return INVALID;
  }

  /**
   * {@code s} without Unicode's White_Space at its ends, as pydantic's Rust {@code trim} strips a
   * number's text: a no-break space too ({@link String#strip} keeps it), not the separators U+001C-U+001F.
   */
  static String stripWhiteSpace(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && whiteSpace(s.charAt(from))) {
      from++;
    }
    while (to > from && whiteSpace(s.charAt(to - 1))) {
      to--;
    }
    return s.substring(from, to);
  }

  private static boolean whiteSpace(char c) {
    return c >= '\t' && c <= '\r' || c == ' ' || c == '\u0085' || c == '\u00a0' || c == '\u1680'
        || c >= '\u2000' && c <= '\u200a' || c == '\u2028' || c == '\u2029' || c == '\u202f' || c == '\u205f'
        || c == '\u3000';
  }

  /**
   * A float's text with its underscores taken out, as pydantic takes them: single ones anywhere
   * inside ({@code "1_.5"}, {@code "1e_5"}); one at an end or two together leave the text as it is, to be refused.
   */
  private static String withoutUnderscores(String t) {
    if (t.indexOf('_') < 0 || t.startsWith("_") || t.endsWith("_") || t.contains("__")) {
      return t;
    }
    return t.replace("_", "");
  }

  private static boolean plainDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private Object integral(String digits, Loc loc, JsonNode input, Violations v) {
    try {
      return kind == Kind.INT ? (Object) Integer.parseInt(digits) : (Object) Long.parseLong(digits);
    } catch (NumberFormatException e) {
      // pydantic's int is unbounded, a Java int or long is not: past it the value is out of range
      boolean low = digits.startsWith("-");
      Object bound = kind == Kind.INT ? (Object) (low ? Integer.MIN_VALUE : Integer.MAX_VALUE)
          : (Object) (low ? Long.MIN_VALUE : Long.MAX_VALUE);
      v.add(low ? "greater_than_equal" : "less_than_equal", loc,
          "Input should be " + (low ? "greater" : "less") + " than or equal to " + bound, input,
          Map.of(low ? "ge" : "le", bound));
      return INVALID;
    }
  }

  /** Non-finite numbers cannot be written back as JSON, so the input is named in text. */
  private static JsonNode nonFinite(double d) {
    return TextNode.valueOf(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
  }

  @Override
  public ObjectNode schema(Schemas schemas) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    switch (kind) {
      case STRING -> s.put("type", "string");
      case INT, LONG -> s.put("type", "integer");
      case DOUBLE -> s.put("type", "number");
      case BOOLEAN -> s.put("type", "boolean");
      case UUID -> s.put("type", "string").put("format", "uuid");
      case DATE -> s.put("type", "string").put("format", "date");
      case DATETIME -> s.put("type", "string").put("format", "date-time");
      case TIME -> s.put("type", "string").put("format", "time");
      case DURATION -> s.put("type", "string").put("format", "duration");
      case ENUM -> {
        return schemas.enumRef(type, constants.keySet());
      }
    }
    return s;
  }
}

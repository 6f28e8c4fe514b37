package dev.lanes.typed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.validation.OverridesAttribute;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.FutureOrPresent;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Negative;
import jakarta.validation.constraints.NegativeOrZero;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Past;
import jakarta.validation.constraints.PastOrPresent;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/**
 * One Jakarta Validation constraint compiled for one value's type, with pydantic's error type,
 * message and context (and its JSON Schema keyword for the document). Compiled, not interpreted
 * per request: the annotation is read once when the API is built. An app's own constraint is its
 * composed constraints plus its validator ({@link CustomConstraint}).
 */
interface Constraint {
  /** Whether {@code value} passes; if not, its error is reported. */
  boolean test(Object value, Loc loc, JsonNode input, Violations v);

  /** Whether {@code value} passes, reporting nothing (the streaming read's check). */
  boolean holds(Object value);

  /** Adds this constraint's keyword to a JSON Schema ({@code minLength}, {@code exclusiveMinimum}, ...). */
  void document(ObjectNode schema);

  /**
   * The constraints of {@code annotations} for a value of {@code shape}; an unsupported
   * constraint, or one on the wrong type, fails with {@code where} named. {@code clock} says
   * what "now" is for {@code @Past} and {@code @Future}.
   */
  static List<Constraint> of(Annotation[] annotations, Shape shape, String where, Clock clock) {
    return of(annotations, shape, where, clock, List.of());
  }

  /** {@code inside}: the app's constraints being composed, outermost first, so a cycle fails instead of recursing. */
  private static List<Constraint> of(Annotation[] annotations, Shape shape, String where, Clock clock,
      List<Class<? extends Annotation>> inside) {
    List<Constraint> out = new ArrayList<>();
    Class<?> t = shape.type();
    boolean text = t == String.class;
    boolean list = t == List.class;
    boolean map = t == Map.class;
    boolean integral = shape instanceof Scalar s && (s.kind() == Scalar.Kind.INT || s.kind() == Scalar.Kind.LONG);
    boolean number = integral || shape instanceof Scalar s2 && s2.kind() == Scalar.Kind.DOUBLE;
    boolean temporal = TemporalBound.applies(t);
    boolean timeOfDay = t == LocalTime.class || t == OffsetTime.class;
    for (Annotation a : annotations) {
      String name = a.annotationType().getName();
      if (!name.startsWith("jakarta.validation.")) {
        if (a.annotationType().isAnnotationPresent(jakarta.validation.Constraint.class)) {
          out.addAll(custom(a, shape, where, clock, inside));
        } else {
          Annotation[] repeated = repeated(a, where);
          if (repeated != null) { // written twice or more: each checks, in order
            out.addAll(of(repeated, shape, where, clock, inside));
          }
        }
        continue;
      }
      switch (a) {
        case NotNull n -> { } // every value is required unless it has a default or is Optional
        case jakarta.validation.Valid c -> { } // cascading: nested records are always checked
        case Size s when text -> {
          if (s.min() > 0) {
            out.add(length(true, s.min()));
          }
          if (s.max() < Integer.MAX_VALUE) {
            out.add(length(false, s.max()));
          }
        }
        case Size s when list || map -> {
          if (s.min() > 0) {
            out.add(size(true, s.min(), map));
          }
          if (s.max() < Integer.MAX_VALUE) {
            out.add(size(false, s.max(), map));
          }
        }
        case NotEmpty n when text -> out.add(length(true, 1));
        case NotEmpty n when list || map -> out.add(size(true, 1, map));
        case NotBlank n when text -> out.add(notBlank());
        case Pattern p when text -> {
          if (p.flags().length > 0) { // silently dropped they would refuse what Jakarta accepts
            throw new IllegalArgumentException(where + ": @Pattern flags are not supported (the document's pattern"
                + " cannot carry them); write them into the expression, e.g. [A-Za-z]+ for CASE_INSENSITIVE");
          }
          out.add(pattern(p.regexp()));
        }
        case Min m when number -> out.add(bound("ge", BigDecimal.valueOf(m.value()), integral));
        case Max m when number -> out.add(bound("le", BigDecimal.valueOf(m.value()), integral));
        case DecimalMin m when number -> out.add(bound(m.inclusive() ? "ge" : "gt", new BigDecimal(m.value()), integral));
        case DecimalMax m when number -> out.add(bound(m.inclusive() ? "le" : "lt", new BigDecimal(m.value()), integral));
        case Positive p when number -> out.add(bound("gt", BigDecimal.ZERO, integral));
        case PositiveOrZero p when number -> out.add(bound("ge", BigDecimal.ZERO, integral));
        case Negative p when number -> out.add(bound("lt", BigDecimal.ZERO, integral));
        case NegativeOrZero p when number -> out.add(bound("le", BigDecimal.ZERO, integral));
        case Past p when temporal -> out.add(new TemporalBound(true, false, t, clock));
        case PastOrPresent p when temporal -> out.add(new TemporalBound(true, true, t, clock));
        case Future f when temporal -> out.add(new TemporalBound(false, false, t, clock));
        case FutureOrPresent f when temporal -> out.add(new TemporalBound(false, true, t, clock));
        case Annotation b when timeOfDay && isTemporalBound(b) -> throw new IllegalArgumentException(where + ": @"
            + b.annotationType().getSimpleName() + " does not apply to " + t.getSimpleName() + ": a time of day is in"
            + " the past or future only within a day, which pydantic has no type for (Hibernate Validator compares"
            + " it with the time now, so the same value passes in the morning and fails at night); bound a"
            + " LocalDateTime or OffsetDateTime instead, or check it in the handler");
        default -> throw new IllegalArgumentException(where + ": @" + a.annotationType().getSimpleName()
            + (isSupported(a) ? " does not apply to " + t.getSimpleName() : " is not supported by the typed layer"));
      }
    }
    return List.copyOf(out);
  }

  /**
   * An app's own constraint: the constraints it is composed of (its meta-annotations, compiled
   * as if written on the value), then its validator for the value's type ({@link CustomConstraint}).
   */
  private static List<Constraint> custom(Annotation a, Shape shape, String where, Clock clock,
      List<Class<? extends Annotation>> inside) {
    Class<? extends Annotation> type = a.annotationType();
    String name = "@" + type.getSimpleName();
    if (inside.contains(type)) {
      throw new IllegalArgumentException(where + ": " + name + " is composed of itself");
    }
    List<Class<? extends Annotation>> within = new ArrayList<>(inside);
    within.add(type);
    if (type.isAnnotationPresent(ReportAsSingleViolation.class)) {
      throw new IllegalArgumentException(where + ": " + name + " is @ReportAsSingleViolation, which the typed layer"
          + " does not support (each composed constraint reports its own error, as pydantic's do)");
    }
    for (var m : type.getDeclaredMethods()) {
      if (m.isAnnotationPresent(OverridesAttribute.class) || m.isAnnotationPresent(OverridesAttribute.List.class)) {
        throw new IllegalArgumentException(where + ": " + name + "." + m.getName() + "() is @OverridesAttribute,"
            + " which the typed layer does not support; write the value on the composed constraint");
      }
    }
    List<Annotation> composing = new ArrayList<>();
    for (Annotation m : type.getAnnotations()) {
      Class<? extends Annotation> t = m.annotationType();
      // a built-in's repeated form (@Size.List) is no constraint itself: it reaches the error below
      if (t.isAnnotationPresent(jakarta.validation.Constraint.class)
          || t.getName().startsWith("jakarta.validation.constraints.") || repeated(m, where) != null) {
        composing.add(m);
      }
    }
    List<Constraint> out = new ArrayList<>(of(composing.toArray(Annotation[]::new), shape, where + " (" + name + ")",
        clock, within));
    CustomConstraint own = CustomConstraint.of(a, shape.type(), where, clock);
    if (own != null) {
      out.add(own);
    } else if (composing.isEmpty()) {
      throw new IllegalArgumentException(where + ": " + name + " names no validator (validatedBy is empty) and is"
          + " composed of no constraint, so it checks nothing");
    }
    return out;
  }

  /**
   * The app's constraints {@code a} holds if it is their repeatable container ({@code @Repeatable}'s
   * {@code List}, whose {@code value()} is an array of them), else null.
   */
  private static Annotation[] repeated(Annotation a, String where) {
    Method value;
    try {
      value = a.annotationType().getDeclaredMethod("value");
    } catch (NoSuchMethodException e) {
      return null;
    }
    Class<?> element = value.getReturnType().getComponentType();
    if (element == null || !element.isAnnotationPresent(jakarta.validation.Constraint.class)) {
      return null;
    }
    try {
      value.setAccessible(true);
      return (Annotation[]) value.invoke(a);
    } catch (ReflectiveOperationException | RuntimeException e) {
      Throwable cause = e instanceof java.lang.reflect.InvocationTargetException t ? t.getCause() : e;
      throw new IllegalArgumentException(where + ": @" + element.getSimpleName() + " written more than once cannot be"
          + " read by the typed layer (" + cause + "); a repeatable constraint and its container must be public,"
          + " their package open to dev.lanes", e);
    }
  }

  private static boolean isSupported(Annotation a) {
    return a instanceof Size || a instanceof NotEmpty || a instanceof NotBlank || a instanceof Pattern
        || a instanceof Min || a instanceof Max || a instanceof DecimalMin || a instanceof DecimalMax
        || a instanceof Positive || a instanceof PositiveOrZero || a instanceof Negative || a instanceof NegativeOrZero
        || isTemporalBound(a);
  }

  private static boolean isTemporalBound(Annotation a) {
    return a instanceof Past || a instanceof PastOrPresent || a instanceof Future || a instanceof FutureOrPresent;
  }

  private static Constraint length(boolean min, int n) {
    String type = min ? "string_too_short" : "string_too_long";
    String msg = "String should have at " + (min ? "least " : "most ") + n + " character" + (n == 1 ? "" : "s");
    Map<String, Object> ctx = Map.of(min ? "min_length" : "max_length", n);
    return new Constraint() {
      @Override
      public boolean holds(Object value) {
        int len = ((String) value).codePointCount(0, ((String) value).length());
        return min ? len >= n : len <= n;
      }

      @Override
      public boolean test(Object value, Loc loc, JsonNode input, Violations v) {
        if (holds(value)) {
          return true;
        }
        v.add(type, loc, msg, input, ctx);
        return false;
      }

      @Override
      public void document(ObjectNode schema) {
        schema.put(min ? "minLength" : "maxLength", n);
      }
    };
  }

  private static Constraint notBlank() {
    Constraint nonEmpty = length(true, 1);
    return new Constraint() {
      @Override
      public boolean holds(Object value) {
        return !((String) value).isBlank();
      }

      @Override
      public boolean test(Object value, Loc loc, JsonNode input, Violations v) {
        return holds(value) || nonEmpty.test("", loc, input, v);
      }

      @Override
      public void document(ObjectNode schema) {
        schema.put("minLength", 1);
        schema.put("pattern", "\\S");
      }
    };
  }

  /** A bound on a list's items or (pydantic's "Dictionary") a map's entries. */
  private static Constraint size(boolean min, int n, boolean map) {
    String fieldType = map ? "Dictionary" : "List";
    return new Constraint() {
      @Override
      public boolean holds(Object value) {
        int size = sizeOf(value);
        return min ? size >= n : size <= n;
      }

      private int sizeOf(Object value) {
        return map ? ((Map<?, ?>) value).size() : ((List<?>) value).size();
      }

      @Override
      public boolean test(Object value, Loc loc, JsonNode input, Violations v) {
        if (holds(value)) {
          return true;
        }
        int size = sizeOf(value);
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("field_type", fieldType);
        ctx.put(min ? "min_length" : "max_length", n);
        ctx.put("actual_length", size);
        v.add(min ? "too_short" : "too_long", loc, fieldType + " should have at " + (min ? "least " : "most ") + n
            + " item" + (n == 1 ? "" : "s") + " after validation, not " + size, input, ctx);
        return false;
      }

      @Override
      public void document(ObjectNode schema) {
        schema.put(map ? (min ? "minProperties" : "maxProperties") : (min ? "minItems" : "maxItems"), n);
      }
    };
  }

  private static Constraint pattern(String regexp) {
    // Unicode's classes (\w takes "é", \d any decimal digit), as pydantic's Rust and Python engines read them.
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(regexp, java.util.regex.Pattern.UNICODE_CHARACTER_CLASS);
    Map<String, Object> ctx = Map.of("pattern", regexp);
    String msg = "String should match pattern '" + regexp + "'";
    // The check matches the whole value (Jakarta's rule); a JSON Schema pattern matches anywhere
    // in it, so an expression not anchored at both ends is documented anchored, to say the same.
    String documented = regexp.startsWith("^") && regexp.endsWith("$") && !regexp.endsWith("\\$")
        ? regexp : "^(?:" + regexp + ")$";
    return new Constraint() {
      @Override
      public boolean holds(Object value) {
        return p.matcher((String) value).matches(); // Jakarta's rule: the whole value matches
      }

      @Override
      public boolean test(Object value, Loc loc, JsonNode input, Violations v) {
        if (holds(value)) {
          return true;
        }
        v.add("string_pattern_mismatch", loc, msg, input, ctx);
        return false;
      }

      @Override
      public void document(ObjectNode schema) {
        schema.put("pattern", documented);
      }
    };
  }

  /** A numeric bound: {@code op} is pydantic's name ({@code gt}, {@code ge}, {@code lt}, {@code le}). */
  private static Constraint bound(String op, BigDecimal limit, boolean integral) {
    double d = limit.doubleValue();
    // Integral values compare exactly against the limit rounded the right way (a long beyond it is out anyway).
    long floor = limit.setScale(0, java.math.RoundingMode.FLOOR).longValue();
    boolean whole = limit.stripTrailingZeros().scale() <= 0;
    // A fractional bound on an integer is documented and reported as written (0.5, not 0).
    Object ctxValue = integral && whole ? (Object) limit.longValue() : (Object) d;
    String shown = integral || d == Math.rint(d) ? limit.stripTrailingZeros().toPlainString() : Double.toString(d);
    String words = switch (op) {
      case "gt" -> "greater than";
      case "ge" -> "greater than or equal to";
      case "lt" -> "less than";
      default -> "less than or equal to";
    };
    String type = switch (op) {
      case "gt" -> "greater_than";
      case "ge" -> "greater_than_equal";
      case "lt" -> "less_than";
      default -> "less_than_equal";
    };
    Map<String, Object> ctx = Map.of(op, ctxValue instanceof Long l && l == l.intValue() ? (Object) l.intValue() : ctxValue);
    String msg = "Input should be " + words + " " + shown;
    return new Constraint() {
      @Override
      public boolean holds(Object value) {
        // Numeric order (-0.0 equals 0), not Double.compare's total order (-0.0 below 0.0).
        int c = value instanceof Double x ? (x < d ? -1 : x > d ? 1 : 0)
            : compare(((Number) value).longValue(), floor, whole);
        return switch (op) {
          case "gt" -> c > 0;
          case "ge" -> c >= 0;
          case "lt" -> c < 0;
          default -> c <= 0;
        };
      }

      @Override
      public boolean test(Object value, Loc loc, JsonNode input, Violations v) {
        boolean ok = holds(value);
        if (!ok) {
          v.add(type, loc, msg, input, ctx);
        }
        return ok;
      }

      @Override
      public void document(ObjectNode schema) {
        String keyword = switch (op) {
          case "gt" -> "exclusiveMinimum";
          case "ge" -> "minimum";
          case "lt" -> "exclusiveMaximum";
          default -> "maximum";
        };
        if (integral && whole) {
          schema.put(keyword, limit.longValue());
        } else {
          schema.put(keyword, d);
        }
      }
    };
  }

  /** {@code value} against a limit whose floor is {@code floor} ({@code whole}: the limit is that integer). */
  private static int compare(long value, long floor, boolean whole) {
    if (value != floor) {
      return Long.compare(value, floor);
    }
    return whole ? 0 : -1; // equal to the floor of a fractional limit: just below it
  }
}

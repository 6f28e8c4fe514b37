package dev.lanes.typed;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles Java types and their annotations into {@link Shape}s, once, when the API is built:
 * scalars, enums, UUIDs, dates, datetimes, times, durations, {@code List<T>}, {@code Map<K, V>}, {@code Optional<T>}, any JSON value ({@code Object}, {@code JsonNode}) and records (each record compiled once,
 * so a record may contain itself). Anything else fails here with the place it was declared.
 */
final class ShapeCompiler {
  private static final ObjectMapper JSON = new ObjectMapper();
  // In insertion order, so a failed record can take back every shape cached while compiling it.
  private final Map<Class<?>, RecordShape> records = new LinkedHashMap<>();
  private final Clock clock;

  /** {@code clock}: what "now" is for {@code @Past} and {@code @Future}. */
  ShapeCompiler(Clock clock) {
    this.clock = clock;
  }

  /** The shape of a declared value with its constraints (on an {@code Optional}, they check what is inside). */
  Shape shape(Type type, Annotation[] annotations, String where) {
    return shape(type, null, annotations, where);
  }

  /**
   * {@link #shape(Type, Annotation[], String)} for a declaration whose type may carry type-use
   * constraints on its type arguments ({@code List<@Size(max = 3) String>}); {@code annotations}
   * are the declaration's own (those on the outer type are the same ones, so they are not read twice).
   */
  Shape shape(AnnotatedType type, Annotation[] annotations, String where) {
    return shape(type.getType(), type, annotations, where);
  }

  private Shape shape(Type type, AnnotatedType annotated, Annotation[] annotations, String where) {
    Shape base = bare(type, annotated, where);
    if (base instanceof OptionalShape o) {
      List<Constraint> c = Constraint.of(annotations, o.inner(), where, clock);
      return c.isEmpty() ? o : new OptionalShape(new Constrained(o.inner(), c));
    }
    List<Constraint> c = Constraint.of(annotations, base, where, clock);
    return c.isEmpty() ? base : new Constrained(base, c);
  }

  private Shape bare(Type type, AnnotatedType annotated, String where) {
    if (type instanceof Class<?> c) {
      Scalar s = Scalar.of(c);
      if (s != null) {
        return enumUnconstrained(s, c, where);
      }
      if (c.isRecord()) {
        return record(c);
      }
      if (c == Object.class || c == JsonNode.class) { // pydantic's Any
        return new AnyShape(c == JsonNode.class);
      }
      if (c == List.class || c == Optional.class || c == Map.class) {
        throw new IllegalArgumentException(where + ": " + c.getSimpleName() + " needs its type arguments");
      }
    } else if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      AnnotatedType[] annotatedArgs = annotated instanceof AnnotatedParameterizedType ap
          ? ap.getAnnotatedActualTypeArguments() : null;
      if (raw == List.class) {
        return new ListShape(argument(args, annotatedArgs, 0, where + " element"));
      }
      if (raw == Optional.class) {
        return new OptionalShape(argument(args, annotatedArgs, 0, where));
      }
      if (raw == Map.class) {
        return map(args, annotatedArgs, where);
      }
    }
    throw new IllegalArgumentException(where + ": type " + type.getTypeName() + " cannot be read from a request"
        + " (String, int, long, double, boolean, their boxes, enums, UUID, LocalDate, LocalDateTime, OffsetDateTime, Instant, LocalTime, OffsetTime, Duration, records, List<T>, Map<String, V>,"
        + " Optional<T>, and Object or JsonNode for any JSON value can)");
  }

  /** A type argument's shape, with the constraints written on it ({@code List<@Min(1) Integer>}). */
  private Shape argument(Type[] args, AnnotatedType[] annotatedArgs, int i, String where) {
    return annotatedArgs == null ? bare(args[i], null, where)
        : shape(args[i], annotatedArgs[i], annotatedArgs[i].getAnnotations(), where);
  }

  /**
   * {@code Map<K, V>}: JSON object keys are text, so {@code K} is a scalar read from text as
   * pydantic reads {@code dict[int, V]}'s keys ({@code "1"} is 1); constraints on keys would need
   * {@code propertyNames} pydantic does not write for them, so they fail the build.
   */
  private Shape map(Type[] args, AnnotatedType[] annotatedArgs, String where) {
    Scalar key = args[0] instanceof Class<?> k ? Scalar.of(k) : null;
    if (key == null) {
      throw new IllegalArgumentException(where + ": a Map's keys are JSON object names: declare them String, an"
          + " integer, a number, a boolean or an enum, not " + args[0].getTypeName());
    }
    enumUnconstrained(key, (Class<?>) args[0], where + " key");
    if (annotatedArgs != null && annotatedArgs[0].getAnnotations().length > 0) {
      throw new IllegalArgumentException(where + ": constraints on a Map's keys are not supported; check them in"
          + " the handler");
    }
    return new MapShape(key, argument(args, annotatedArgs, 1, where + " value"));
  }

  /**
   * {@code s}, or a failure if {@code type} is an enum whose class carries a constraint: a record's
   * class constraints check it when it is built, but an enum is a scalar and would be silently unchecked.
   */
  private static Scalar enumUnconstrained(Scalar s, Class<?> type, String where) {
    if (s.kind() == Scalar.Kind.ENUM) {
      for (Annotation a : type.getAnnotations()) {
        if (a.annotationType().isAnnotationPresent(jakarta.validation.Constraint.class)) {
          throw new IllegalArgumentException(where + ": @" + a.annotationType().getSimpleName() + " on enum "
              + type.getSimpleName() + " is not checked (pydantic validates an enum only where it is used); write it"
              + " where the enum is used, on a parameter, record component or type argument");
        }
      }
    }
    return s;
  }

  private RecordShape record(Class<?> type) {
    RecordShape known = records.get(type);
    if (known != null) {
      return known;
    }
    RecordShape shape = new RecordShape(type);
    records.put(type, shape); // before its components, so a record may contain itself
    try {
      return compile(type, shape);
    } catch (RuntimeException | Error e) {
      forgetFrom(type);
      throw e;
    }
  }

  /**
   * Forgets {@code type}'s half-built shape and every one cached after it (its nested records,
   * which may hold it): a later use fails again with the same message instead of reading a shape
   * with no fields. A response type the layer cannot read is allowed, so this failure is caught.
   */
  private void forgetFrom(Class<?> type) {
    boolean after = false;
    for (var it = records.keySet().iterator(); it.hasNext(); ) {
      Class<?> c = it.next();
      after |= c == type;
      if (after) {
        it.remove();
      }
    }
  }

  private RecordShape compile(Class<?> type, RecordShape shape) {
    RecordComponent[] components = type.getRecordComponents();
    List<RecordShape.Field> fields = new ArrayList<>(components.length);
    List<ValueDoc> docs = new ArrayList<>(components.length);
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent rc = components[i];
      types[i] = rc.getType();
      String where = type.getSimpleName() + "." + rc.getName();
      Annotation[] annotations = annotationsOf(type, rc);
      Shape s = shape(rc.getAnnotatedType(), annotations, where);
      Default d = find(annotations, Default.class);
      String name = jsonName(rc, annotations);
      docs.add(ValueDoc.of(find(annotations, Doc.class), where).describedBy(description(rc, annotations), where));
      fields.add(d != null ? withDefault(name, s, d.value(), where)
          : s instanceof OptionalShape ? new RecordShape.Field(name, s, Optional.empty(), null)
          : new RecordShape.Field(name, s, RecordShape.Field.REQUIRED, null));
    }
    // on the class: pydantic's model validators, for the record as a whole
    List<Constraint> checks = Constraint.of(type.getAnnotations(), shape, type.getSimpleName(), clock);
    try {
      Constructor<?> ctor = type.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      MethodHandle h = MethodHandles.lookup().unreflectConstructor(ctor);
      h = h.asType(h.type().generic()).asSpreader(Object[].class, types.length)
          .asType(MethodType.methodType(Object.class, Object[].class));
      shape.complete(fields, h, checks);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException("record " + type.getName() + " cannot be built by the typed layer: " + e, e);
    }
    JsonClassDescription about = type.getAnnotation(JsonClassDescription.class);
    shape.describe(ValueDoc.of(type.getAnnotation(Doc.class), type.getName())
        .describedBy(about == null || about.value().isEmpty() ? null : about.value(), type.getName()), docs);
    return shape;
  }

  /**
   * The component's name in JSON: Jackson's {@code @JsonProperty} name if it has one, as Jackson
   * writes the record in responses, so a body is read, validated and documented under the name
   * the API writes.
   */
  private static String jsonName(RecordComponent rc, Annotation[] fieldAnnotations) {
    JsonProperty p = find(fieldAnnotations, JsonProperty.class);
    if (p == null) {
      p = rc.getAccessor().getAnnotation(JsonProperty.class);
    }
    return p != null && !p.value().isEmpty() ? p.value() : rc.getName();
  }

  /** The component's {@code @JsonPropertyDescription} (pydantic's {@code Field(description=...)}), or null. */
  private static String description(RecordComponent rc, Annotation[] fieldAnnotations) {
    JsonPropertyDescription d = find(fieldAnnotations, JsonPropertyDescription.class);
    if (d == null) {
      d = rc.getAccessor().getAnnotation(JsonPropertyDescription.class);
    }
    return d == null || d.value().isEmpty() ? null : d.value();
  }

  /** A component's annotations: those on its field, where Jakarta's constraints land for records. */
  private static Annotation[] annotationsOf(Class<?> record, RecordComponent rc) {
    try {
      return record.getDeclaredField(rc.getName()).getAnnotations();
    } catch (NoSuchFieldException e) {
      return rc.getAnnotations();
    }
  }

  /**
   * A field with a declared default, read now so a bad default fails the build; not against the
   * clock ({@link Violations#ofDefault()}).
   */
  RecordShape.Field withDefault(String name, Shape s, String text, String where) {
    Violations v = Violations.ofDefault();
    Object value;
    JsonNode documented;
    Shape plain = s instanceof OptionalShape o ? o.inner() : s; // an Optional's constraints are inside it
    plain = plain instanceof Constrained c ? c.inner() : plain;
    JsonNode tree = null;
    if (!(plain instanceof Scalar)) {
      try {
        tree = JSON.readTree(text);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException(where + ": @Default(\"" + text + "\") is not JSON: " + e.getOriginalMessage());
      }
    }
    try { // an app's validator (or record constructor) runs here, at build: its bug must name the default
      value = tree == null ? s.fromText(text, Loc.root("default"), v) : s.fromJson(tree, Loc.root("default"), v);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(where + ": @Default(\"" + text + "\") could not be checked: " + e, e);
    }
    if (plain instanceof Scalar scalar) {
      documented = value == Shape.INVALID ? null : document(scalar, value);
    } else {
      documented = tree;
    }
    if (value == Shape.INVALID) {
      throw new IllegalArgumentException(where + ": @Default(\"" + text + "\") does not fit: " + v.list().get(0).msg());
    }
    return new RecordShape.Field(name, s, value, documented);
  }

  private static JsonNode document(Scalar scalar, Object value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    Object plain = value instanceof Optional<?> o ? o.orElseThrow() : value;
    return switch (scalar.kind()) {
      case STRING -> f.textNode((String) plain);
      case INT -> f.numberNode((Integer) plain);
      case LONG -> f.numberNode((Long) plain);
      case DOUBLE -> f.numberNode((Double) plain);
      case BOOLEAN -> f.booleanNode((Boolean) plain);
      case ENUM -> f.textNode(Scalar.valueOf((Enum<?>) plain));
      case UUID, DATE -> f.textNode(plain.toString());
      // seconds always, as pydantic writes them (toString leaves out :00)
      case DATETIME -> f.textNode(plain instanceof LocalDateTime t ? DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t)
          : plain instanceof OffsetDateTime t ? DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t) : plain.toString());
      case TIME -> f.textNode(plain instanceof LocalTime t ? DateTimeFormatter.ISO_LOCAL_TIME.format(t)
          : plain instanceof OffsetTime t ? DateTimeFormatter.ISO_OFFSET_TIME.format(t) : plain.toString());
      case DURATION -> f.textNode(plain.toString());
    };
  }

  static <A extends Annotation> A find(Annotation[] annotations, Class<A> type) {
    for (Annotation a : annotations) {
      if (type.isInstance(a)) {
        return type.cast(a);
      }
    }
    return null;
  }
}

package dev.lanes.typed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.validation.ConstraintValidator;
import java.lang.annotation.Annotation;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An app's own constraint ({@code @jakarta.validation.Constraint(validatedBy = ...)}): its
 * {@link ConstraintValidator} for the value's declared type, made and initialized once when the
 * API is built and asked per request. A refusal is pydantic's {@code value_error} for a validator
 * that raised {@code ValueError} ({@code "Value error, " + message}, {@code ctx.error} empty);
 * a validator that throws is a bug, a 500. Nothing is added to the document, as pydantic's
 * validators add nothing. Validators are shared by every request, so they must be thread-safe
 * (as Jakarta requires), and may be asked twice for one value (the streaming read, then the tree's).
 */
final class CustomConstraint implements Constraint {
  private final ConstraintValidator<Annotation, Object> validator;
  private final String template;
  private final String message; // the template filled in, once
  private final Map<String, Object> attributes;
  private final Clock clock;

  private CustomConstraint(ConstraintValidator<Annotation, Object> validator, String template,
      Map<String, Object> attributes, Clock clock) {
    this.validator = validator;
    this.template = template;
    this.message = ConstraintMessage.interpolate(template, attributes);
    this.attributes = attributes;
    this.clock = clock;
  }

  /**
   * The validator of {@code a} that takes a {@code valueType} (the one with the most specific
   * type among those that do), or null when {@code a} names none; none that takes it, two equally
   * specific ones, or one that cannot be made or initialized fails with {@code where} named.
   */
  static CustomConstraint of(Annotation a, Class<?> valueType, String where, Clock clock) {
    String name = "@" + a.annotationType().getSimpleName();
    var declared = a.annotationType().getAnnotation(jakarta.validation.Constraint.class).validatedBy();
    if (declared.length == 0) {
      return null;
    }
    Class<?> boxed = MethodType.methodType(valueType).wrap().returnType();
    Map<Class<?>, Class<?>> fits = new HashMap<>(); // validator -> the type it takes
    List<String> all = new ArrayList<>();
    for (Class<?> c : declared) {
      Class<?> takes = validatedType(c);
      all.add(c.getSimpleName() + " takes " + takes.getSimpleName());
      if (takes.isAssignableFrom(boxed)) {
        fits.put(c, takes);
      }
    }
    if (fits.isEmpty()) {
      throw new IllegalArgumentException(where + ": " + name + " has no validator for " + valueType.getSimpleName()
          + " (" + String.join(", ", all) + ")");
    }
    List<Class<?>> best = new ArrayList<>();
    for (var f : fits.entrySet()) { // the most specific: no other fitting validator takes a narrower type
      boolean narrowest = fits.values().stream().noneMatch(t -> t != f.getValue() && f.getValue().isAssignableFrom(t));
      if (narrowest) {
        best.add(f.getKey());
      }
    }
    if (best.size() > 1) {
      throw new IllegalArgumentException(where + ": " + name + "'s validators "
          + best.stream().map(Class::getSimpleName).sorted().collect(Collectors.joining(" and "))
          + " both take " + valueType.getSimpleName() + "; keep one that does");
    }
    Class<?> chosen = best.get(0);
    Map<String, Object> attributes = ConstraintMessage.attributes(a);
    if (!(attributes.get("message") instanceof String template)) {
      throw new IllegalArgumentException(where + ": " + name + " has no String message() attribute, which a"
          + " Jakarta constraint must declare");
    }
    ConstraintValidator<Annotation, Object> validator = instantiate(chosen, where);
    try {
      validator.initialize(a);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(where + ": " + chosen.getName() + ".initialize(" + name + ") failed: " + e, e);
    }
    return new CustomConstraint(validator, template, attributes, clock);
  }

  @SuppressWarnings("unchecked")
  private static ConstraintValidator<Annotation, Object> instantiate(Class<?> c, String where) {
    try {
      Constructor<?> k = c.getDeclaredConstructor();
      k.setAccessible(true); // a nested, non-public validator is common
      return (ConstraintValidator<Annotation, Object>) k.newInstance();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(where + ": validator " + c.getName() + " has no no-arg constructor (a"
          + " nested class must be static); the typed layer makes it once, with none");
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(where + ": validator " + c.getName() + "'s constructor failed: "
          + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException(where + ": validator " + c.getName() + " cannot be made by the typed layer"
          + " (abstract, or its package not open to dev.lanes?): " + e, e);
    }
  }

  /** The type {@code validator} declares as {@code T} of {@code ConstraintValidator<A, T>}, erased. */
  private static Class<?> validatedType(Class<?> validator) {
    Type t = find(validator, new HashMap<>());
    return erase(t);
  }

  private static Type find(Type type, Map<TypeVariable<?>, Type> bindings) {
    Class<?> raw;
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> r) {
      raw = r;
      TypeVariable<?>[] vars = r.getTypeParameters();
      Type[] args = p.getActualTypeArguments();
      for (int i = 0; i < vars.length; i++) {
        Type arg = args[i];
        bindings.put(vars[i], arg instanceof TypeVariable<?> v && bindings.containsKey(v) ? bindings.get(v) : arg);
      }
    } else if (type instanceof Class<?> c) {
      raw = c;
    } else {
      return null;
    }
    if (raw == ConstraintValidator.class) {
      Type t = bindings.get(ConstraintValidator.class.getTypeParameters()[1]);
      return t == null ? Object.class : t; // a raw ConstraintValidator takes anything
    }
    for (Type s : raw.getGenericInterfaces()) {
      Type found = find(s, bindings);
      if (found != null) {
        return found;
      }
    }
    return raw.getGenericSuperclass() == null ? null : find(raw.getGenericSuperclass(), bindings);
  }

  private static Class<?> erase(Type t) {
    return switch (t) {
      case Class<?> c -> c;
      case ParameterizedType p -> erase(p.getRawType());
      case TypeVariable<?> v -> erase(v.getBounds()[0]);
      case WildcardType w -> erase(w.getUpperBounds()[0]);
      case GenericArrayType g -> erase(g.getGenericComponentType()).arrayType();
      case null, default -> Object.class;
    };
  }

  @Override
  public boolean holds(Object value) {
    return validator.isValid(value, new ConstraintContext(template, clock));
  }

  @Override
  public boolean test(Object value, Loc loc, JsonNode input, Violations v) {
    ConstraintContext context = new ConstraintContext(template, clock);
    if (validator.isValid(value, context)) {
      return true;
    }
    for (String t : context.templates()) {
      String msg = t.equals(template) ? message : ConstraintMessage.interpolate(t, attributes);
      ObjectNode error = JsonNodeFactory.instance.objectNode(); // pydantic's ctx for a ValueError
      v.add("value_error", loc, "Value error, " + msg, input, Map.of("error", error));
    }
    return false;
  }

  @Override
  public void document(ObjectNode schema) {
    // pydantic's validators add nothing to the schema
  }
}

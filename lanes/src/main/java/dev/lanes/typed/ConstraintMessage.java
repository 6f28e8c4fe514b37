package dev.lanes.typed;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A custom constraint's message template filled in from its annotation's attributes, as Hibernate
 * Validator's {@code ParameterMessageInterpolator} does: {@code {min}} is the value of
 * {@code min()}, an array attribute is written as {@code [a, b]}, {@code \{}, {@code \}},
 * {@code \$} and {@code \\} are the characters themselves ({@code \${min}}: a dollar, then min's
 * value). There is no expression language and no resource bundle: {@code ${...}} and an unknown
 * {@code {key}} stay as written.
 */
final class ConstraintMessage {
  private ConstraintMessage() {}

  /** The attributes of {@code a} by name, read once when the API is built. */
  static Map<String, Object> attributes(Annotation a) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Method m : a.annotationType().getDeclaredMethods()) {
      if (m.getParameterCount() != 0) {
        continue;
      }
      try {
        m.setAccessible(true); // the annotation type may be a nested, non-public one
        out.put(m.getName(), m.invoke(a));
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException("@" + a.annotationType().getSimpleName() + "'s " + m.getName()
            + "() cannot be read by the typed layer (is its package open to dev.lanes?): " + e, e);
      }
    }
    return out;
  }

  /** {@code template} with each {@code {name}} of {@code attributes} replaced by its value. */
  static String interpolate(String template, Map<String, Object> attributes) {
    StringBuilder out = new StringBuilder(template.length());
    boolean el = false; // the character before is an unescaped $: this { opens an expression, kept as written
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      boolean dollar = c == '$';
      if (c == '\\' && i + 1 < template.length() && "{}$\\".indexOf(template.charAt(i + 1)) >= 0) {
        out.append(template.charAt(i + 1));
        i += 2;
      } else if (c == '{' && !el) {
        // up to the next brace only: a key holds none, and each character is looked at once (the
        // template may hold the client's text, full of braces)
        int end = i + 1;
        while (end < template.length() && template.charAt(end) != '}' && template.charAt(end) != '{') {
          end++;
        }
        String name = end < template.length() && template.charAt(end) == '}' ? template.substring(i + 1, end) : null;
        if (name != null && attributes.containsKey(name)) {
          out.append(text(attributes.get(name)));
          i = end + 1;
        } else { // an unknown key (a bundle's, or not closed) stays as written
          out.append(c);
          i++;
        }
      } else {
        out.append(c);
        i++;
      }
      el = dollar;
    }
    return out.toString();
  }

  private static String text(Object value) {
    return switch (value) {
      case Object[] a -> Arrays.toString(a);
      case int[] a -> Arrays.toString(a);
      case long[] a -> Arrays.toString(a);
      case double[] a -> Arrays.toString(a);
      case float[] a -> Arrays.toString(a);
      case boolean[] a -> Arrays.toString(a);
      case char[] a -> Arrays.toString(a);
      case byte[] a -> Arrays.toString(a);
      case short[] a -> Arrays.toString(a);
      default -> String.valueOf(value);
    };
  }
}

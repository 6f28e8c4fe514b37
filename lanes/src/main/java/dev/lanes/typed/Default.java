package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value of a parameter or record component the request leaves out, which makes it optional.
 * Written as the request would write it: plain text for scalars and enums ({@code "10"},
 * {@code "tools"}), JSON for lists and records ({@code "[]"}). Checked when the API is built.
 *
 * <pre>{@code record ItemIn(String name, @Default("[]") List<String> tags, @Default("tools") Category category) {}}</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface Default {
  String value();
}

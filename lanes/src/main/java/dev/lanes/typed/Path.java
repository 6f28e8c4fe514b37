package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a handler or provider parameter from the path template's parameter of the same name. Its errors
 * are located at {@code ["path", name]}.
 *
 * <pre>{@code @Get("/items/{item_id}") Item item(@Path @Min(1) long itemId) }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Path {
  /** The name in the request; empty: the parameter's own name (compile with {@code -parameters}). */
  String value() default "";
}

package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a handler or provider parameter from the {@code Cookie} header. Its errors
 * are located at {@code ["cookie", name]}.
 *
 * <pre>{@code @Get("/items") List<Item> items(@Cookie @Min(1) @Default("10") int limit) }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Cookie {
  /** The name in the request; empty: the parameter's own name (compile with {@code -parameters}). */
  String value() default "";
}

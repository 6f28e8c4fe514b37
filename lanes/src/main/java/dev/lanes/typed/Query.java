package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a handler or provider parameter from the query string; a {@code List} takes every value, a scalar the last. Its errors
 * are located at {@code ["query", name]}.
 *
 * <pre>{@code @Get("/items") List<Item> items(@Query @Min(1) @Default("10") int limit) }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Query {
  /** The name in the request; empty: the parameter's own name (compile with {@code -parameters}). */
  String value() default "";
}

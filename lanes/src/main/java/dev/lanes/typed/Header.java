package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a handler or provider parameter from a request header; {@code xToken} and {@code x_token} read {@code X-Token}. Its errors
 * are located at {@code ["header", name]}.
 *
 * <pre>{@code @Get("/items") List<Item> items(@Header @Min(1) @Default("10") int limit) }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Header {
  /** The name in the request; empty: the parameter's own name (compile with {@code -parameters}). */
  String value() default "";
}

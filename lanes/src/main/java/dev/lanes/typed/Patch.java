package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as the typed handler of {@code PATCH value()}; see {@link TypedApi}.
 *
 * <pre>{@code @Patch("/items/{item_id}") public Item item(@Path long itemId) }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Patch {
  /** The path template, as for {@code App.Builder} routes: {@code /items/{item_id}}. */
  String value();

  /** The status of a successful response (FastAPI's {@code status_code}); 204 sends no body. */
  int status() default 200;
}

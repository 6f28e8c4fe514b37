package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a handler parameter from the JSON request body: a record (nested records, lists, maps,
 * enums, {@code Optional} components), a list, a map or a scalar. Errors are located at
 * {@code ["body", field, ...]}.
 *
 * <pre>{@code @Post(value = "/items", status = 201) Item create(@Body ItemIn item) }</pre>
 *
 * <p>A handler with several {@code @Body} parameters reads each from the body's member named
 * after it, as FastAPI embeds them: {@code {"item": {...}, "user": {...}}}, errors at
 * {@code ["body", "item", ...]}.
 *
 * <pre>{@code @Put("/items/{item_id}") Item update(@Path long itemId, @Body ItemIn item, @Body User user) }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Body {
  /**
   * Reads this one body parameter from the body's member named after it rather than from the
   * whole body (FastAPI's {@code Body(embed=True)}); several {@code @Body} parameters always are.
   *
   * <pre>{@code Item create(@Body(embed = true) ItemIn item) // {"item": {"name": ...}} }</pre>
   */
  boolean embed() default false;
}

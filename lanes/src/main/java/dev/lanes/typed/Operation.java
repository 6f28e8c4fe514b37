package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How a typed route appears in the OpenAPI document; every element is optional. Without it the
 * summary comes from the method's name ({@code createItem} → "Create Item") and the operationId
 * is FastAPI's ({@code create_item_items_post}).
 *
 * <pre>{@code @Operation(summary = "Create an item", tags = "items") @Post("/items") Item create(@Body ItemIn in)}</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Operation {
  String summary() default "";

  String description() default "";

  String[] tags() default {};

  /** Must be unique in the document; checked when the API is built. */
  String operationId() default "";

  boolean deprecated() default false;

  /** Leaves the route out of the document (it is still served). */
  boolean hidden() default false;
}

package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What the OpenAPI document says of a value, for the reader only (nothing is checked against it):
 * on a {@code @Path}, {@code @Query}, {@code @Header}, {@code @Cookie}, {@code @FormField} or
 * {@code @Body} parameter (FastAPI's {@code Query(description=..., title=..., examples=[...],
 * deprecated=True)}), on a record component (pydantic's {@code Field(...)}), or on a record or an
 * enum (its docstring and {@code model_config}). Each element is optional. Examples are JSON texts, read
 * when the API is built: one that is not JSON fails the build naming the value. On a controller or
 * provider class, which the document does not describe, it fails the build naming the class.
 *
 * <pre>{@code @Get("/items") List<Item> items(@Query @Doc(description = "Text to search for", examples = "\"hammer\"") Optional<String> q)}</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.TYPE})
public @interface Doc {
  /** Shown under the value's name; on a parameter also in the parameter object, as FastAPI writes it. */
  String description() default "";

  /** Replaces the title derived from the name ({@code item_id} → "Item Id"). */
  String title() default "";

  /** Example values, each one JSON text: {@code "42"}, {@code "\"hammer\""}, {@code "{\"name\": \"x\"}"}. */
  String[] examples() default {};

  /** Marks the value deprecated: it is still read, documentation tools strike it through. */
  boolean deprecated() default false;
}

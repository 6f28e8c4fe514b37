package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a response a typed route may give besides its own, for the document (FastAPI's
 * {@code responses={404: {"model": Message}}}): its status, the record its JSON body has (none:
 * no body documented) and a description (default: the status's reason phrase). Repeatable; the
 * handler still answers it itself, e.g. by throwing {@code HttpException}.
 *
 * <pre>{@code @ExtraResponse(status = 404, model = Message.class, description = "No such item") @Get("/items/{id}")}</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(ExtraResponses.class)
public @interface ExtraResponse {
  int status();

  /** The body's type (a record, enum, list...); {@code void.class}: no body documented. */
  Class<?> model() default void.class;

  String description() default "";
}

package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An empty {@code Optional} returned by this handler is answered 200 with JSON {@code null}
 * (FastAPI's {@code -> Item | None}), documented as {@code anyOf [Item, null]}. Without it an
 * empty {@code Optional} is 404 {@code {"detail":"Not Found"}}, documented as a 404 response.
 *
 * <pre>{@code @NullWhenEmpty @Get("/maybe/{id}") Optional<Item> maybe(@Path long id)}</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface NullWhenEmpty {}

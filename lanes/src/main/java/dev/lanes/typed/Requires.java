package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Dependencies a route needs for their effect, not their value (FastAPI's
 * {@code dependencies=[Depends(...)]}): on a handler method, or on a class for all its routes.
 * Each type named must be provided by a {@link Provides} method.
 *
 * <pre>{@code @Requires(ApiKey.class) final class ItemsResource { ... }}</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Requires {
  Class<?>[] value();
}

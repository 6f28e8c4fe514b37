package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a provider object as a dependency (FastAPI's {@code Depends}): it provides
 * its return type (or the {@code T} of {@link Provided Provided&lt;T&gt;}, which adds a cleanup) to any
 * handler or provider that declares a parameter of that type without a source annotation. Its own
 * parameters are bound like a handler's (path, query, headers, body, other dependencies). Called
 * at most once per request unless {@code cached = false}; it runs where the handler runs.
 *
 * <pre>{@code
 * final class Db {
 *   @Provides Provided<Connection> connection() { Connection c = pool.take(); return Provided.of(c, () -> pool.give(c)); }
 * }
 * }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Provides {
  /** Whether one request shares one value (the default) or each use calls the method again. */
  boolean cached() default true;
}

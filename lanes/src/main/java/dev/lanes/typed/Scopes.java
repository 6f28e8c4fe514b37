package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * OAuth2 scopes a route needs (FastAPI's {@code Security(dependency, scopes=[...])}). On a
 * dependency parameter, that dependency and the ones it is made from need them; on a handler or
 * {@link Provides} method, everything it depends on; on a class, every such method of it (a
 * {@link RouteGroup#scopes route group} gives them to each of its routes). A provider that checks
 * the token takes a {@link SecurityScopes} parameter: the union of the scopes that reach it on
 * the route. Each scope reaching an {@link OAuth2PasswordBearer} must be declared on it, and
 * each must reach a provider that takes {@link SecurityScopes}; otherwise the build fails.
 *
 * <pre>{@code @Get("/items") List<Item> items(@Scopes("items:read") User user) { ... }}</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE, ElementType.PARAMETER})
public @interface Scopes {
  String[] value();
}

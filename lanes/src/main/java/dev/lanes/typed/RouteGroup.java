package dev.lanes.typed;

import dev.lanes.routing.PathPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Routes that share a path prefix, tags, dependencies, OAuth2 scopes and declared responses (FastAPI's
 * {@code APIRouter(prefix=..., tags=..., dependencies=..., responses=...)} included with
 * {@code include_router}). Made by {@link TypedApi.Builder#group}; groups nest, and a nested
 * group adds its prefix after its parent's. A route's path is the prefixes joined with its own;
 * its tags are the groups' (outer first) then its {@link Operation#tags()}; its dependencies run
 * in FastAPI's order: the app's, the groups' (outer first), its class's {@link Requires}, its
 * method's, then its parameters'. Cleanups run in reverse.
 *
 * <pre>{@code
 * TypedApi.builder().provider(ApiKeyAuth.header("X-API-Key"))
 *     .group("/items", g -> g.tags("items").require(ApiKey.class).controller(new Items()))
 * }</pre>
 */
public final class RouteGroup {
  final String prefix;
  final List<String> tags = new ArrayList<>();
  final List<Class<?>> requires = new ArrayList<>();
  final List<GroupScope.Response> responses = new ArrayList<>();
  final List<String> scopes = new ArrayList<>();
  /** Controllers and nested groups, in the order given. */
  final List<Object> members = new ArrayList<>();

  RouteGroup(String prefix) {
    this.prefix = checked(prefix);
  }

  /** Tags every route of the group gets in the document, before its own. */
  public RouteGroup tags(String... tags) {
    for (String t : tags) {
      this.tags.add(Objects.requireNonNull(t, "tag"));
    }
    return this;
  }

  /** Dependencies every route of the group needs for their effect (FastAPI's router {@code dependencies}). */
  public RouteGroup require(Class<?>... types) {
    for (Class<?> t : types) {
      requires.add(Objects.requireNonNull(t, "type"));
    }
    return this;
  }

  /**
   * OAuth2 scopes every route of the group requires of its dependencies, before the route's own
   * {@link Scopes} (FastAPI's router {@code dependencies=[Security(..., scopes=[...])]}).
   */
  public RouteGroup scopes(String... scopes) {
    for (String s : scopes) {
      this.scopes.add(PlanCompiler.scopeName(s, "route group '" + prefix + "'"));
    }
    return this;
  }

  /**
   * A response every route of the group may give besides its own, for the document (a router's
   * {@code responses}); a route's {@link ExtraResponse} of the same status replaces it.
   */
  public RouteGroup response(int status, Class<?> model, String description) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("route group '" + prefix + "': response status " + status
          + " is not an HTTP status");
    }
    if (responses.stream().anyMatch(r -> r.status() == status)) {
      throw new IllegalArgumentException("route group '" + prefix + "': response " + status + " is declared twice");
    }
    responses.add(new GroupScope.Response(status, Objects.requireNonNull(model, "model"),
        Objects.requireNonNull(description, "description")));
    return this;
  }

  /** {@link #response(int, Class, String)} described by the status's reason phrase. */
  public RouteGroup response(int status, Class<?> model) {
    return response(status, model, "");
  }

  /** An object whose {@link Get}, {@link Post}, ... methods are routes of this group. */
  public RouteGroup controller(Object controller) {
    Objects.requireNonNull(controller, "controller");
    if (controller instanceof RouteGroup) {
      throw new IllegalArgumentException("a route group is added with group(prefix, ...), not as a controller");
    }
    members.add(controller);
    return this;
  }

  /** A group inside this one; its prefix follows this group's ({@code ""}: none of its own). */
  public RouteGroup group(String prefix, Consumer<RouteGroup> routes) {
    RouteGroup g = new RouteGroup(prefix);
    Objects.requireNonNull(routes, "routes").accept(g);
    members.add(g);
    return this;
  }

  /** FastAPI's rules: empty, or starting with '/' and not ending with one; parameters as in any path. */
  private static String checked(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty()) {
      return prefix;
    }
    if (!prefix.startsWith("/")) {
      throw new IllegalArgumentException("route group prefix '" + prefix + "' must start with '/'");
    }
    if (prefix.endsWith("/")) {
      throw new IllegalArgumentException("route group prefix '" + prefix + "' must not end with '/' (route paths"
          + " start with one)");
    }
    if (prefix.contains("?") || prefix.contains("#")) {
      throw new IllegalArgumentException("route group prefix '" + prefix + "' must be a path, without '?' or '#'");
    }
    try {
      PathPattern.parse(prefix);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("route group prefix '" + prefix + "': " + e.getMessage(), e);
    }
    if (prefix.contains(":path}")) {
      throw new IllegalArgumentException("route group prefix '" + prefix + "': a {name:path} parameter must end the"
          + " path, so it cannot be in a prefix");
    }
    return prefix;
  }
}

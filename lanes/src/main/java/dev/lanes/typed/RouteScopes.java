package dev.lanes.typed;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OAuth2 scopes that reach each dependency of one route, compiled with it: the route's own
 * (its groups', its class's and method's {@link Scopes}) reach every dependency; a dependency
 * parameter's, and a provider method's, reach that dependency and those it is made from. A
 * provider reached along several paths gets the union, each scope once in the order FastAPI
 * meets them (its document merges a scheme's scopes so); it runs once per request with it.
 */
final class RouteScopes {
  static final RouteScopes NONE = new RouteScopes(SecurityScopes.NONE, Map.of());

  private final SecurityScopes root;
  private final Map<ProviderPlan, SecurityScopes> reaching;

  private RouteScopes(SecurityScopes root, Map<ProviderPlan, SecurityScopes> reaching) {
    this.root = root;
    this.reaching = reaching;
  }

  /**
   * Walks the route's dependencies in FastAPI's order (required ones, then the handler's
   * parameters) and checks that every scope reaching an {@link OAuth2PasswordBearer} is declared
   * on it and that every scope reaches a provider taking {@link SecurityScopes}.
   */
  static RouteScopes of(List<String> own, List<ProviderPlan> required, Binder[] binders, String where) {
    Map<ProviderPlan, LinkedHashSet<String>> reach = new LinkedHashMap<>();
    Set<List<Object>> seen = new HashSet<>();
    for (ProviderPlan p : required) {
      visit(p, own, List.of(), reach, seen);
    }
    for (Binder b : binders) {
      if (b instanceof Binder.Dependency d) {
        visit(d.provider(), own, d.scopes(), reach, seen);
      }
    }
    Set<String> all = new LinkedHashSet<>(own);
    Set<String> checked = new HashSet<>(takesScopes(binders) ? own : List.of());
    Map<ProviderPlan, SecurityScopes> out = new LinkedHashMap<>();
    reach.forEach((p, scopes) -> {
      all.addAll(scopes);
      if (takesScopes(p.binders())) {
        checked.addAll(scopes);
      }
      if (p.target instanceof OAuth2PasswordBearer scheme) {
        for (String s : scopes) {
          if (!scheme.declares(s)) {
            throw new IllegalArgumentException(where + ": scope '" + s + "' is not declared on "
                + scheme.schemeName() + " (declared: " + scheme.scopeNames() + "); declare it with"
                + " OAuth2PasswordBearer.tokenUrl(...).scope(\"" + s + "\", description)");
          }
        }
      }
      out.put(p, scopes.isEmpty() ? SecurityScopes.NONE : new SecurityScopes(List.copyOf(scopes)));
    });
    Set<String> unchecked = new TreeSet<>(all);
    unchecked.removeAll(checked);
    if (!unchecked.isEmpty()) {
      throw new IllegalArgumentException(where + ": scopes " + unchecked + " reach no dependency that takes"
          + " SecurityScopes, so nothing would check them; add a SecurityScopes parameter to the provider that"
          + " checks the token");
    }
    if (all.isEmpty()) {
      return NONE;
    }
    return new RouteScopes(new SecurityScopes(own), out);
  }

  /** FastAPI's walk: a dependency met again with the same scopes is not walked again. */
  private static void visit(ProviderPlan p, List<String> parent, List<String> edge,
      Map<ProviderPlan, LinkedHashSet<String>> reach, Set<List<Object>> seen) {
    LinkedHashSet<String> current = new LinkedHashSet<>(parent);
    current.addAll(edge);
    current.addAll(p.scopes);
    if (!seen.add(List.of(p, new TreeSet<>(current)))) {
      return;
    }
    reach.computeIfAbsent(p, k -> new LinkedHashSet<>()).addAll(current);
    List<String> down = new ArrayList<>(current);
    for (Binder b : p.binders()) {
      if (b instanceof Binder.Dependency d) {
        visit(d.provider(), down, d.scopes(), reach, seen);
      }
    }
  }

  private static boolean takesScopes(Binder[] binders) {
    for (Binder b : binders) {
      if (b instanceof Binder.ScopesOf) {
        return true;
      }
    }
    return false;
  }

  /** The scopes reaching provider {@code p} (the handler's own for null). */
  SecurityScopes of(ProviderPlan p) {
    return p == null ? root : reaching.getOrDefault(p, SecurityScopes.NONE);
  }
}

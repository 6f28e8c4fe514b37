package dev.lanes.typed;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the groups around a controller give each of its routes, outer groups first: the joined
 * prefix, tags, required dependencies (the app's first), OAuth2 scopes and declared responses (an inner
 * group's replaces an outer one's of the same status, as FastAPI merges {@code responses}).
 */
record GroupScope(String prefix, List<String> tags, List<Class<?>> requires, List<Response> responses,
    List<String> scopes) {
  /** A group's declared response, compiled like an {@link ExtraResponse} with each route. */
  record Response(int status, Class<?> model, String description) {}

  static GroupScope app(List<Class<?>> requires) {
    return new GroupScope("", List.of(), List.copyOf(requires), List.of(), List.of());
  }

  /** This scope with {@code g}'s settings added inside it. */
  GroupScope within(RouteGroup g) {
    List<String> t = new ArrayList<>(tags);
    t.addAll(g.tags);
    List<Class<?>> r = new ArrayList<>(requires);
    r.addAll(g.requires);
    Map<Integer, Response> byStatus = new LinkedHashMap<>();
    responses.forEach(x -> byStatus.put(x.status(), x));
    g.responses.forEach(x -> byStatus.put(x.status(), x));
    List<String> s = new ArrayList<>(scopes);
    s.addAll(g.scopes);
    return new GroupScope(prefix + g.prefix, List.copyOf(t), List.copyOf(r), List.copyOf(byStatus.values()),
        List.copyOf(s));
  }

  /** Where the groups are, for build errors ("" outside any group). */
  String where() {
    return prefix.isEmpty() ? "" : " in route group '" + prefix + "'";
  }
}

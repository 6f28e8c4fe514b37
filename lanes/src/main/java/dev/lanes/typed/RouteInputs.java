package dev.lanes.typed;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything a route reads from the request, its dependencies' inputs included, in FastAPI's
 * listing order (the route's own parameters, then app and route requirements, then its
 * dependencies'): what the document lists and whether the route needs its form parsed.
 */
final class RouteInputs {
  final List<Binder.Text> params = new ArrayList<>();
  final List<Binder.Body> bodies = new ArrayList<>();
  final List<Binder> formFields = new ArrayList<>(); // FormValue, Upload and FormRecord, in declaration order
  final Set<ProviderPlan> providers = new LinkedHashSet<>();

  static RouteInputs of(Binder[] binders, List<ProviderPlan> required) {
    RouteInputs in = new RouteInputs();
    for (Binder b : binders) {
      if (!(b instanceof Binder.Dependency)) {
        in.walk(b);
      }
    }
    required.forEach(in::walk);
    for (Binder b : binders) {
      if (b instanceof Binder.Dependency) {
        in.walk(b);
      }
    }
    return in;
  }

  /**
   * Whether each body is read from the body's member named after it: FastAPI embeds every body
   * parameter of a route, its dependencies' too, once they have more than one name, or when one
   * asks to be ({@code Body(embed=True)}); one name alone is the whole body.
   */
  boolean embedsBodies() {
    Set<String> names = new java.util.HashSet<>();
    for (Binder.Body b : bodies) {
      if (b.embedded()) {
        return true;
      }
      names.add(b.name());
    }
    return names.size() > 1;
  }

  boolean readsForm() {
    return !formFields.isEmpty();
  }

  boolean uploads() {
    return formFields.stream().anyMatch(b -> b instanceof Binder.Upload);
  }

  private void walk(Object node) {
    switch (node) {
      case ProviderPlan pp -> {
        if (providers.add(pp)) {
          for (Binder b : pp.binders()) {
            walk(b);
          }
        }
      }
      case Binder.Dependency d -> walk(d.provider());
      case Binder.Text t -> params.add(t);
      case Binder.Body b -> bodies.add(b);
      case Binder.FormValue f -> formFields.add(f);
      case Binder.Upload u -> formFields.add(u);
      case Binder.FormRecord r -> formFields.add(r);
      default -> { }
    }
  }
}

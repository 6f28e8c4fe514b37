package dev.lanes.typed;

import java.lang.reflect.Method;
import java.util.List;

/**
 * A {@link Provides} method compiled once: the binders of its parameters, how to call it, and
 * its slot in a request's dependency cache.
 */
final class ProviderPlan {
  final Class<?> provides;
  final Method method;
  final int index;
  final boolean cached;
  final Object target;
  /** The scopes its class's and method's {@link Scopes} require of what it depends on, itself included. */
  final List<String> scopes;
  private Binder[] binders;
  private int[] order;
  private Invoker invoker;

  ProviderPlan(Class<?> provides, Method method, int index, boolean cached, Object target) {
    this.provides = provides;
    this.target = target;
    this.method = method;
    this.index = index;
    this.cached = cached;
    this.scopes = PlanCompiler.declaredScopes(method);
  }

  void complete(Binder[] binders, int[] order, Invoker invoker) {
    this.binders = binders;
    this.order = order;
    this.invoker = invoker;
  }

  boolean completed() {
    return binders != null;
  }

  Binder[] binders() {
    return binders;
  }

  String name() {
    return method.getDeclaringClass().getSimpleName() + "." + method.getName();
  }

  /** The value for this request, calling the method at most once if cached; INVALID if its own inputs are. */
  Object provide(Binding b) {
    if (cached) {
      Object known = b.cached(index);
      if (known != null) {
        return known;
      }
    }
    Object[] args = RoutePlan.bindAll(binders, order, b);
    Object value;
    if (args == null) {
      value = Shape.INVALID;
    } else {
      try {
        value = invoker.call(args);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new DependencyException(name(), e);
      }
      ProviderPlan early = closedWhenHandlerReturns(b);
      if (value instanceof Provided<?> p) {
        if (p.when() == Provided.When.AFTER_RESPONSE && early != null) {
          // Its cleanup would run after the one of a value it was made from (a transaction
          // committed on a connection already given back): refused, as FastAPI refuses a
          // request-scoped dependency on a function-scoped one; closed now, while what it uses is open.
          var refused = new IllegalStateException(name() + " is cleaned up after the response, but depends on "
              + early.name() + ", cleaned up when the handler returns (closeAfterHandler): a cleanup must"
              + " not outlive what it uses; call closeAfterHandler() on " + name() + " too, or on neither");
          Binding.runReversed(List.of(p.exit()), refused);
          throw refused;
        }
        b.cleanup(p);
        b.closesWhenHandlerReturns(index, p.when() == Provided.When.AFTER_HANDLER);
        value = p.value();
      } else if (value == null) {
        throw new IllegalStateException(name() + " provided null; provide an Optional instead");
      }
      b.closesWhenHandlerReturns(index, early != null);
    }
    if (cached) {
      b.cache(index, value);
    }
    return value;
  }

  /** The dependency this one was made from whose value (or one it was made from) closes when the handler returns, or null. */
  private ProviderPlan closedWhenHandlerReturns(Binding b) {
    for (Binder x : binders) {
      if (x instanceof Binder.Dependency d && b.closesWhenHandlerReturns(d.provider().index)) {
        return d.provider();
      }
    }
    return null;
  }

  /** A provider's checked failure, carried as unchecked through the request's binding, then thrown as itself. */
  static final class DependencyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DependencyException(String provider, Exception cause) {
      super(provider + " failed", cause);
    }
  }
}

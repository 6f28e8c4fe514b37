package dev.lanes.typed;

import java.lang.reflect.Method;

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
  private Binder[] binders;
  private int[] order;
  private Invoker invoker;

  ProviderPlan(Class<?> provides, Method method, int index, boolean cached, Object target) {
    this.provides = provides;
    this.target = target;
    this.method = method;
    this.index = index;
    this.cached = cached;
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
      if (value instanceof Provided<?> p) {
        b.cleanup(p);
        value = p.value();
      } else if (value == null) {
        throw new IllegalStateException(name() + " provided null; provide an Optional instead");
      }
    }
    if (cached) {
      b.cache(index, value);
    }
    return value;
  }

  /** A provider's checked failure, carried as unchecked through the request's binding. */
  static final class DependencyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DependencyException(String provider, Exception cause) {
      super(provider + " failed", cause);
    }
  }
}

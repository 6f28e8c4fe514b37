package dev.lanes.typed;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * A handler or provider method as one {@code (Object[]) -> Object} method handle, made once when
 * the API is built, so a request costs one spread call and no reflection.
 */
final class Invoker {
  private final MethodHandle handle;

  private Invoker(MethodHandle handle) {
    this.handle = handle;
  }

  static Invoker of(Method m, Object target, String where) {
    try {
      m.setAccessible(true);
      MethodHandle h = MethodHandles.lookup().unreflect(m);
      if (!Modifier.isStatic(m.getModifiers())) {
        h = h.bindTo(target);
      }
      int n = m.getParameterCount();
      h = h.asType(MethodType.genericMethodType(n)).asSpreader(Object[].class, n)
          .asType(MethodType.methodType(Object.class, Object[].class));
      return new Invoker(h);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException(where + ": cannot be called by the typed layer (is its package open to"
          + " dev.lanes?): " + e, e);
    }
  }

  Object call(Object[] args) throws Exception {
    try {
      return (Object) handle.invokeExact(args);
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}

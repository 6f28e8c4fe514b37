package dev.lanes.internal.app;

import dev.lanes.App;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the server reaches the compiled form of a public {@link App} without the app exposing it
 * as API (the shared-secrets pattern): {@code App} registers the accessor when its class loads.
 */
public final class AppAccess {
  private static volatile Function<App, CompiledApp> accessor;

  private AppAccess() {}

  /** Called once, by {@code App}'s static initialiser. */
  public static void register(Function<App, CompiledApp> access) {
    accessor = Objects.requireNonNull(access, "access");
  }

  /** The compiled app behind {@code app}. */
  public static CompiledApp compiled(App app) {
    return accessor.apply(app); // app is an instance, so App's class (and the accessor) is loaded
  }
}

package dev.lanes.lifespan;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Runs an app's startup hooks once, in order, and its shutdown hooks once, newest first. If a
 * startup hook fails, the shutdown hooks still run (so whatever was opened gets closed; a hook
 * should use {@link AppState#find} for state a failed start may not have put) and
 * {@link #start()} throws {@link StartupException} naming the hook.
 *
 * <pre>{@code Lifespan l = new Lifespan(state, startHooks, stopHooks); l.start(); ... l.stop(); }</pre>
 */
public final class Lifespan {
  private static final System.Logger LOG = System.getLogger(Lifespan.class.getName());

  /** A startup hook failed; the message says which, and why. */
  public static final class StartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StartupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private enum Phase { NEW, STARTED, STOPPED }

  private final AppState state;
  private final List<LifespanHook> startup;
  private final List<LifespanHook> shutdown;
  private final Deque<LifespanHook> toStop = new ArrayDeque<>();
  private Phase phase = Phase.NEW;

  public Lifespan(AppState state, List<LifespanHook> startup, List<LifespanHook> shutdown) {
    this.state = state;
    this.startup = List.copyOf(startup);
    this.shutdown = List.copyOf(shutdown);
  }

  /** Runs the startup hooks; a no-op after the first call. */
  public synchronized void start() {
    if (phase != Phase.NEW) {
      return;
    }
    phase = Phase.STARTED;
    shutdown.forEach(toStop::push);
    for (int i = 0; i < startup.size(); i++) {
      try {
        startup.get(i).run(state);
      } catch (Exception | Error e) { // an Error too: the hooks before it still get their stop
        stop();
        throw new StartupException("startup hook " + (i + 1) + " of " + startup.size()
            + " failed: " + e, e);
      }
    }
  }

  /** Runs the shutdown hooks still owed, newest first; failures are logged, not thrown. */
  public synchronized void stop() {
    if (phase == Phase.STOPPED) {
      return;
    }
    phase = Phase.STOPPED;
    LifespanHook hook;
    while ((hook = toStop.poll()) != null) {
      try {
        hook.run(state);
      } catch (Exception | Error e) { // an Error too (a class gone at shutdown): the rest still run
        LOG.log(System.Logger.Level.ERROR, "shutdown hook failed", e);
      }
    }
  }
}

package dev.lanes.lifespan;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Runs an app's startup hooks, in order, and its shutdown hooks, newest first, counting its
 * users (servers, task workers): the first {@link #start()} runs the startup hooks, the matching
 * last {@link #stop()} the shutdown hooks, so two servers of one app share one lifespan and
 * closing one leaves the state under the other open. Once stopped, a lifespan may start again
 * (a server restarted on the same app runs the startup hooks again), and what the run put in the
 * state is gone once it stopped (the state holds what it held before the run). If a startup hook fails,
 * the shutdown hooks still run (so whatever was opened gets closed; a hook should use
 * {@link AppState#find} for state a failed start may not have put), {@link #start()} throws
 * {@link StartupException} naming the hook, and the lifespan is stopped: a retry runs the
 * startup hooks again.
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

  private final AppState state;
  private final List<LifespanHook> startup;
  private final List<LifespanHook> shutdown;
  private final Deque<LifespanHook> toStop = new ArrayDeque<>();
  private Map<Class<?>, Object> before = Map.of(); // the state as the run found it
  private int users; // starts not yet matched by a stop

  public Lifespan(AppState state, List<LifespanHook> startup, List<LifespanHook> shutdown) {
    this.state = state;
    this.startup = List.copyOf(startup);
    this.shutdown = List.copyOf(shutdown);
  }

  /** Runs the startup hooks if no one else uses the lifespan now; otherwise only counts the caller. */
  public synchronized void start() {
    if (users++ > 0) {
      return;
    }
    toStop.clear();
    shutdown.forEach(toStop::push);
    before = state.snapshot();
    for (int i = 0; i < startup.size(); i++) {
      try {
        startup.get(i).run(state);
      } catch (Exception | Error e) { // an Error too: the hooks before it still get their stop
        users = 0; // stopped, so a retry starts afresh
        runShutdownHooks();
        throw new StartupException("startup hook " + (i + 1) + " of " + startup.size()
            + " failed: " + e, e);
      }
    }
  }

  /**
   * Ends one {@link #start()}: the last one runs the shutdown hooks still owed, newest first;
   * failures are logged, not thrown. A no-op when not started.
   */
  public synchronized void stop() {
    if (users == 0 || --users > 0) {
      return;
    }
    runShutdownHooks();
  }

  /** The shutdown hooks still owed, then the state as the run found it: the next run's hooks must not find this one's. */
  private void runShutdownHooks() {
    LifespanHook hook;
    while ((hook = toStop.poll()) != null) {
      try {
        hook.run(state);
      } catch (Exception | Error e) { // an Error too (a class gone at shutdown): the rest still run
        LOG.log(System.Logger.Level.ERROR, "shutdown hook failed", e);
      }
    }
    state.restore(before);
  }
}

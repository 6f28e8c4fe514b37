package dev.lanes.server;

import dev.lanes.internal.server.SignalShutdown;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;

/**
 * Lanes' SIGTERM and SIGINT handling ({@link ServerConfig.Builder#stopOnSignal}) for a service
 * that is not a {@link Server}, such as a task worker: the first signal closes it together with
 * every such server, all at once, and the process exits 0 once they have closed and the threads
 * that waited for them have ended; a close that outlasts the longest grace by 10 s, or a second
 * signal, exits with 128 + the signal's number ({@code docs/shutdown.md}). One handling for the
 * whole process: a server and a worker in one JVM stop together, and exit the same way.
 *
 * <pre>{@code StopOnSignal.register(worker, Duration.ofSeconds(30), threadsInAwaitClose);}</pre>
 */
public final class StopOnSignal {
  private StopOnSignal() {}

  /**
   * Closes {@code service} on the first SIGTERM or SIGINT, waiting {@code grace} and 10 s at most
   * for its {@code close()}; then the live collection {@code awaiting} (the threads that wait for
   * the service to close, {@code main} cleaning up after it) gets {@code grace} to end before the
   * exit is forced. A grace longer than about 73 years counts as that: "for ever".
   *
   * @throws IllegalStateException if a signal already came: the process is stopping
   */
  public static void register(AutoCloseable service, Duration grace, Collection<Thread> awaiting) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(awaiting, "awaiting");
    starting(grace).started(service, awaiting);
  }

  /**
   * Handles the signals from now on, before a service's startup work runs (a Server's startup
   * hooks): a signal during it waits for the start to end, as long as a close at most, and then
   * closes the service, instead of the JVM's default ending the process half-started. End it with
   * {@link Start#started} or {@link Start#failed}.
   *
   * <pre>{@code
   * StopOnSignal.Start start = StopOnSignal.starting(grace);
   * try { service = open(); } catch (RuntimeException e) { start.failed(); throw e; }
   * start.started(service, awaiting);
   * }</pre>
   *
   * @throws IllegalStateException if a signal already came: the process is stopping
   */
  public static Start starting(Duration grace) {
    if (Objects.requireNonNull(grace, "grace").isNegative()) {
      throw new IllegalArgumentException("grace must not be negative: " + grace);
    }
    Duration bounded = grace.compareTo(ServerConfig.LONGEST) > 0 ? ServerConfig.LONGEST : grace;
    return new Start(SignalShutdown.starting(bounded));
  }

  /** A service's start under way, its signals handled: {@link #started} or {@link #failed} ends it, once. */
  public static final class Start {
    private final SignalShutdown.Starting starting;

    private Start(SignalShutdown.Starting starting) {
      this.starting = starting;
    }

    /**
     * The service is running: the signal closes it (at once, if one came during the start), and
     * then waits for the threads in the live collection {@code awaiting}, as {@link #register}.
     */
    public void started(AutoCloseable service, Collection<Thread> awaiting) {
      SignalShutdown.started(starting, Objects.requireNonNull(service, "service"),
          Objects.requireNonNull(awaiting, "awaiting"));
    }

    /** The start failed: nothing to close. */
    public void failed() {
      SignalShutdown.failed(starting);
    }
  }

  /** Forgets {@code service} (it closed by itself): a signal no longer closes it. */
  public static void unregister(AutoCloseable service) {
    SignalShutdown.unregister(service);
  }
}

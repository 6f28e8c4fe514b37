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
    if (Objects.requireNonNull(grace, "grace").isNegative()) {
      throw new IllegalArgumentException("grace must not be negative: " + grace);
    }
    Duration bounded = grace.compareTo(ServerConfig.LONGEST) > 0 ? ServerConfig.LONGEST : grace;
    SignalShutdown.started(SignalShutdown.starting(bounded), service, awaiting);
  }

  /** Forgets {@code service} (it closed by itself): a signal no longer closes it. */
  public static void unregister(AutoCloseable service) {
    SignalShutdown.unregister(service);
  }
}

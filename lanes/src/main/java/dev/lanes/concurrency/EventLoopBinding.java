package dev.lanes.concurrency;

import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Tells core code which event loop, if any, the current thread runs. The server binds each of its
 * loop threads once at start; {@link Concurrency} uses it to resume async work on the loop that
 * started it, without the core depending on the transport.
 */
public final class EventLoopBinding {
  private static final ThreadLocal<ScheduledExecutorService> CURRENT = new ThreadLocal<>();

  private EventLoopBinding() {}

  /** Binds the calling thread to {@code loop}; called once by the server on each loop thread. */
  public static void bindCurrentThread(ScheduledExecutorService loop) {
    CURRENT.set(loop);
  }

  /** The loop the calling thread runs, or empty on any other thread. */
  public static Optional<ScheduledExecutorService> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** Whether the calling thread is a server event-loop thread. */
  public static boolean onEventLoop() {
    return CURRENT.get() != null;
  }
}

package dev.lanes.internal.concurrency;

import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Internal, not for users: which event loop, if any, the current thread runs. The server binds
 * each of its loop threads once at start; {@code Concurrency} uses it to resume async work on the
 * loop that started it, without the core depending on the transport.
 *
 * <pre>{@code loop.submit(() -> LoopBinding.bind(loop));   // the server, once per loop thread }</pre>
 */
public final class LoopBinding {
  private static final ThreadLocal<ScheduledExecutorService> CURRENT = new ThreadLocal<>();

  private LoopBinding() {}

  /** Binds the calling thread to {@code loop}; called once by the server on each loop thread. */
  public static void bind(ScheduledExecutorService loop) {
    CURRENT.set(java.util.Objects.requireNonNull(loop, "loop"));
  }

  /** The loop the calling thread runs, or empty on any other thread. */
  public static Optional<ScheduledExecutorService> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** Whether the calling thread is a server event-loop thread. */
  public static boolean onLoop() {
    return CURRENT.get() != null;
  }
}

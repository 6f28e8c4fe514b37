package dev.lanes.observe;

import java.util.concurrent.Executor;

/**
 * What one event-loop thread is doing, written by that thread and read by the
 * {@link LoopWatchdog}: the async handler it is running, if any, and the heartbeat the watchdog
 * posted to it. Writes are two volatile stores per async handler call; nothing is allocated.
 */
public final class LoopSlot {
  private static final ThreadLocal<LoopSlot> CURRENT = new ThreadLocal<>();

  private final Thread thread;
  private final Executor loop;
  private volatile String route; // the async handler running now, or null
  private volatile long heartbeatPostedAt; // 0: none pending
  private long reportedHeartbeat; // watchdog thread only: the heartbeat already reported

  private LoopSlot(Thread thread, Executor loop) {
    this.thread = thread;
    this.loop = loop;
  }

  /** Creates the slot of the calling loop thread; called once on each loop as the server starts. */
  static LoopSlot bindCurrentThread(Executor loop) {
    LoopSlot slot = new LoopSlot(Thread.currentThread(), loop);
    CURRENT.set(slot);
    return slot;
  }

  /**
   * Marks the calling loop thread as running the async handler of {@code route} until
   * {@link #exitHandler}; a no-op off the event loop. Returns whether it marked anything.
   */
  public static boolean enterHandler(String route) {
    LoopSlot slot = CURRENT.get();
    if (slot == null) {
      return false;
    }
    slot.route = route;
    return true;
  }

  /** Ends what {@link #enterHandler} started on this thread. */
  public static void exitHandler() {
    LoopSlot slot = CURRENT.get();
    if (slot != null) {
      slot.route = null;
    }
  }

  Thread thread() {
    return thread;
  }

  String route() {
    return route;
  }

  long heartbeatPostedAt() {
    return heartbeatPostedAt;
  }

  /** Posts a heartbeat task that reports its own scheduling delay; watchdog thread only. */
  void postHeartbeat(long now, LanesListener listener) {
    heartbeatPostedAt = now;
    try {
      loop.execute(() -> {
        long delay = System.nanoTime() - now;
        heartbeatPostedAt = 0;
        listener.eventLoopLatency(thread.getName(), java.time.Duration.ofNanos(delay));
      });
    } catch (RuntimeException e) {
      heartbeatPostedAt = 0; // the loop is shutting down
    }
  }

  /** Whether the pending heartbeat posted at {@code postedAt} was already reported; marks it. */
  boolean markReported(long postedAt) {
    if (reportedHeartbeat == postedAt) {
      return false;
    }
    reportedHeartbeat = postedAt;
    return true;
  }
}

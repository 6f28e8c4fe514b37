package dev.lanes.internal.observe;

import dev.lanes.observe.LanesListener;
import java.util.concurrent.Executor;

/**
 * Internal, not for users: what one event-loop thread is doing, written by that thread and
 * sampled by the blocked-loop watchdog: the async handler it is running, if any, and the
 * heartbeat the watchdog posted to it. Writes are two volatile stores per async handler call;
 * nothing is allocated.
 *
 * <pre>{@code
 * LoopActivity loop = LoopActivity.enterHandler(route);   // the app, around an async handler call
 * try { ... } finally { if (loop != null) loop.exitHandler(); }
 * }</pre>
 */
public final class LoopActivity {
  private static final ThreadLocal<LoopActivity> CURRENT = new ThreadLocal<>();

  private final Thread thread;
  private final Executor loop;
  private final LoopIdleness idleness; // null: a loop that cannot say, always sent heartbeats
  private volatile String route; // the async handler running now, or null
  private volatile long heartbeatPostedAt; // 0: none pending
  private long reportedHeartbeat; // watchdog thread only: the heartbeat already reported

  private LoopActivity(Thread thread, Executor loop) {
    this.thread = thread;
    this.loop = loop;
    this.idleness = loop instanceof LoopIdleness i ? i : null;
  }

  /** Creates the calling loop thread's activity; called once on each loop as the server starts. */
  public static LoopActivity bindCurrentThread(Executor loop) {
    LoopActivity slot = new LoopActivity(Thread.currentThread(), loop);
    CURRENT.set(slot);
    return slot;
  }

  /**
   * Marks the calling loop thread as running the async handler of {@code route} until
   * {@link #exitHandler}; a no-op off the event loop. Returns the loop's activity to end it on
   * (one thread-local lookup per handler call, not two), or null if nothing was marked.
   */
  public static LoopActivity enterHandler(String route) {
    LoopActivity slot = CURRENT.get();
    if (slot != null) {
      slot.route = route;
    }
    return slot;
  }

  /** Ends what {@link #enterHandler} started; on the same loop thread. */
  public void exitHandler() {
    route = null;
  }

  /** The loop thread. */
  public Thread thread() {
    return thread;
  }

  /** The route of the async handler the loop is in, or null outside any. */
  public String route() {
    return route;
  }

  /**
   * Whether the loop is waiting for I/O with no channel registered ({@link LoopIdleness}), so
   * nothing runs on it that could block it and it needs no heartbeat.
   */
  public boolean idleWithoutChannels() {
    return idleness != null && idleness.idleWithoutChannels();
  }

  /** Has the loop wake {@code sleep} when it stops being idle ({@code null}: stop); watchdog only. */
  void watchedBy(WatchdogSleep sleep) {
    if (idleness != null) {
      idleness.watchedBy(sleep);
    }
  }

  /** When the pending heartbeat was posted ({@link System#nanoTime}), or 0 if none is pending. */
  public long heartbeatPostedAt() {
    return heartbeatPostedAt;
  }

  /** Posts a heartbeat task that reports its own scheduling delay; watchdog thread only. */
  public void postHeartbeat(long now, LanesListener listener) {
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
  public boolean markReported(long postedAt) {
    if (reportedHeartbeat == postedAt) {
      return false;
    }
    reportedHeartbeat = postedAt;
    return true;
  }
}

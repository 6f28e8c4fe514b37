package dev.lanes.observe;

import dev.lanes.internal.observe.ListenerGroup;
import dev.lanes.internal.observe.LoopActivity;
import dev.lanes.internal.observe.RequestTrace;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * An app's instruments, built with the app: its listeners (behind one
 * {@link LanesListener}) and the blocked-loop {@link LoopWatchdog}. The server drives it: it binds
 * each event loop, reports the {@link LifespanPhase}s, and starts a {@link RequestTrace} per
 * request.
 */
public final class Observability {
  /** The default blocked-loop threshold, as asyncio's debug mode ({@code slow_callback_duration}). */
  public static final Duration DEFAULT_BLOCKED_THRESHOLD = Duration.ofMillis(100);

  private final LanesListener listener;
  private final Duration blockedThreshold;
  private final List<LoopActivity> loops = new CopyOnWriteArrayList<>();
  private LoopWatchdog watchdog; // guarded by this

  private Observability(LanesListener listener, Duration blockedThreshold) {
    this.listener = listener;
    this.blockedThreshold = blockedThreshold;
  }

  /**
   * Instruments for {@code listeners} (none: events are off) and a watchdog that reports loops
   * busy longer than {@code blockedThreshold} ({@link Duration#ZERO}: no watchdog).
   */
  public static Observability of(List<LanesListener> listeners, Duration blockedThreshold) {
    Objects.requireNonNull(blockedThreshold, "blockedThreshold");
    if (blockedThreshold.isNegative()) {
      throw new IllegalArgumentException("blockedThreshold must not be negative");
    }
    LanesListener l = listeners.isEmpty() ? LanesListener.NONE : new ListenerGroup(listeners);
    return new Observability(l, blockedThreshold);
  }

  /** Every registered listener behind one, or {@link LanesListener#NONE}. */
  public LanesListener listener() {
    return listener;
  }

  /** The blocked-loop threshold; zero when the watchdog is off. */
  public Duration blockedThreshold() {
    return blockedThreshold;
  }

  /** Blocked-loop incidents reported so far by this app's watchdog. */
  public synchronized long blockedLoopIncidents() {
    return watchdog == null ? 0 : watchdog.incidents();
  }

  /** Starts tracing one request; {@link RequestTrace#NONE} when nobody listens. */
  public RequestTrace startRequest(String method, String path) {
    return listener == LanesListener.NONE ? RequestTrace.NONE
        : RequestTrace.start(listener, method, path);
  }

  /** Called by the server on each of its event-loop threads, once, before it serves. */
  public void bindLoop(Executor loop) {
    loops.add(LoopActivity.bindCurrentThread(loop));
  }

  /** Called by the server as it moves through its life; starts and stops the watchdog. */
  public void lifespan(LifespanPhase phase) {
    switch (phase) {
      case STARTED -> startWatchdog();
      case STOPPED -> stopWatchdog();
      default -> { }
    }
    listener.lifespan(phase);
  }

  private synchronized void startWatchdog() {
    if (watchdog == null && !blockedThreshold.isZero()) {
      watchdog = new LoopWatchdog(List.copyOf(loops), listener, blockedThreshold);
      watchdog.start();
    }
  }

  private void stopWatchdog() {
    LoopWatchdog w;
    synchronized (this) {
      w = watchdog;
    }
    if (w != null) {
      w.stop();
    }
    loops.clear();
  }
}

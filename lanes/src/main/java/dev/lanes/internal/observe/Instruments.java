package dev.lanes.internal.observe;

import dev.lanes.observe.LanesListener;
import dev.lanes.observe.LifespanPhase;
import dev.lanes.observe.Observability;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

/**
 * An app's instruments, built with the app: its listeners (behind one
 * {@link LanesListener}) and the blocked-loop {@link LoopWatchdog}. The server drives it: it binds
 * each event loop, reports the {@link LifespanPhase}s, and starts a {@link RequestTrace} per
 * request. Users see it as {@link Observability}.
 */
public final class Instruments implements Observability {

  private final LanesListener listener;
  private final Duration blockedThreshold;
  private final List<LoopActivity> loops = new CopyOnWriteArrayList<>();
  // Every watchdog of this app counts here: a server's watchdog goes when it stops, its count stays.
  private final LongAdder blockedIncidents = new LongAdder();
  private LoopWatchdog watchdog; // guarded by this

  private Instruments(LanesListener listener, Duration blockedThreshold) {
    this.listener = listener;
    this.blockedThreshold = blockedThreshold;
  }

  /**
   * Instruments for {@code listeners} (none: events are off) and a watchdog that reports loops
   * busy longer than {@code blockedThreshold} ({@link Duration#ZERO}: no watchdog).
   */
  public static Instruments of(List<LanesListener> listeners, Duration blockedThreshold) {
    Objects.requireNonNull(blockedThreshold, "blockedThreshold");
    if (blockedThreshold.isNegative()) {
      throw new IllegalArgumentException("blockedThreshold must not be negative");
    }
    LanesListener l = listeners.isEmpty() ? LanesListener.NONE : new ListenerGroup(listeners);
    return new Instruments(l, blockedThreshold);
  }

  @Override
  public LanesListener listener() {
    return listener;
  }

  @Override
  public Duration blockedThreshold() {
    return blockedThreshold;
  }

  @Override
  public long blockedLoopIncidents() {
    return blockedIncidents.sum();
  }

  /**
   * Starts tracing one request read at {@code readAt} ({@link System#nanoTime});
   * {@link RequestTrace#NONE} when nobody listens.
   */
  public RequestTrace startRequest(String method, String path, long readAt) {
    return listener == LanesListener.NONE ? RequestTrace.NONE
        : RequestTrace.start(listener, method, path, readAt);
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
      watchdog = new LoopWatchdog(List.copyOf(loops), listener, blockedThreshold, blockedIncidents);
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
    synchronized (this) {
      if (watchdog == w) {
        watchdog = null; // a next server of this app starts a watchdog of its own, over its loops
      }
    }
    loops.clear();
  }
}

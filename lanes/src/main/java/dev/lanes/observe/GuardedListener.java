package dev.lanes.observe;

import dev.lanes.concurrency.LaneRejectedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered listeners behind one {@link LanesListener}, enforcing its rules for the caller:
 * each listener sees each event in registration order, and anything one throws is caught, logged
 * the first time (per listener) and otherwise ignored, so a faulty listener can never break a
 * request or a lane.
 */
final class GuardedListener implements LanesListener {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedListener.class);

  private final LanesListener[] listeners;
  private final AtomicBoolean[] complained;

  GuardedListener(List<LanesListener> listeners) {
    this.listeners = listeners.toArray(LanesListener[]::new);
    this.complained = new AtomicBoolean[this.listeners.length];
    for (int i = 0; i < complained.length; i++) {
      complained[i] = new AtomicBoolean();
    }
  }

  private void each(Consumer<LanesListener> event) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        event.accept(listeners[i]);
      } catch (Throwable t) {
        if (complained[i].compareAndSet(false, true)) {
          LOG.error("listener {} threw; its later failures are not logged",
              listeners[i].getClass().getName(), t);
        }
      }
    }
  }

  @Override
  public void requestStart(String method, String path) {
    each(l -> l.requestStart(method, path));
  }

  @Override
  public void requestEnd(String route, String method, int status, Duration duration) {
    each(l -> l.requestEnd(route, method, status, duration));
  }

  @Override
  public void responseBodyEnd(String route, String method, boolean completed, Duration duration) {
    each(l -> l.responseBodyEnd(route, method, completed, duration));
  }

  @Override
  public void laneWaitStart(String lane) {
    each(l -> l.laneWaitStart(lane));
  }

  @Override
  public void laneAcquired(String lane, Duration queueWait) {
    each(l -> l.laneAcquired(lane, queueWait));
  }

  @Override
  public void laneWaitCancelled(String lane) {
    each(l -> l.laneWaitCancelled(lane));
  }

  @Override
  public void laneRejected(String lane, LaneRejectedException.Reason reason) {
    each(l -> l.laneRejected(lane, reason));
  }

  @Override
  public void laneTaskStart(String lane) {
    each(l -> l.laneTaskStart(lane));
  }

  @Override
  public void laneTaskEnd(String lane, TaskOutcome outcome, Duration duration) {
    each(l -> l.laneTaskEnd(lane, outcome, duration));
  }

  @Override
  public void backgroundTaskStart(String name, String route) {
    each(l -> l.backgroundTaskStart(name, route));
  }

  @Override
  public void backgroundTaskEnd(String name, String route, TaskOutcome outcome, Duration duration) {
    each(l -> l.backgroundTaskEnd(name, route, outcome, duration));
  }

  @Override
  public void lifespan(LifespanPhase phase) {
    each(l -> l.lifespan(phase));
  }

  @Override
  public void eventLoopBlocked(BlockedLoop report) {
    each(l -> l.eventLoopBlocked(report));
  }

  @Override
  public void virtualThreadPinned(PinnedThread report) {
    each(l -> l.virtualThreadPinned(report));
  }

  @Override
  public void eventLoopLatency(String loop, Duration delay) {
    each(l -> l.eventLoopLatency(loop, delay));
  }
}

package dev.lanes.internal.observe;

import dev.lanes.concurrency.LaneRejectedException;
import dev.lanes.concurrency.TaskOutcome;
import dev.lanes.observe.BlockedLoop;
import dev.lanes.observe.LanesListener;
import dev.lanes.observe.LifespanPhase;
import dev.lanes.observe.PinnedThread;
import dev.lanes.observe.TlsHandshakeFailure;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Internal, not for users: the registered listeners behind one {@link LanesListener}. It fans
 * each event out to every listener in registration order and isolates their failures: anything
 * one throws is caught, logged the first time (per listener) and otherwise ignored, so a faulty
 * listener can never break a request or a lane.
 *
 * <pre>{@code LanesListener all = new ListenerGroup(List.of(metrics, tracing)); }</pre>
 */
public final class ListenerGroup implements LanesListener {
  private static final System.Logger LOG = System.getLogger(ListenerGroup.class.getName());

  private final LanesListener[] listeners;
  private final AtomicBoolean[] complained;
  // The listeners that implement the two events every request sends whatever its route: most
  // listeners keep the interface's empty default, and a call to it is still an interface dispatch.
  private final int[] requestStarts;
  private final int[] responseBodyEnds;

  public ListenerGroup(List<LanesListener> listeners) {
    this.listeners = listeners.toArray(LanesListener[]::new);
    this.complained = new AtomicBoolean[this.listeners.length];
    for (int i = 0; i < complained.length; i++) {
      complained[i] = new AtomicBoolean();
    }
    this.requestStarts = implementing(this.listeners, "requestStart", String.class, String.class);
    this.responseBodyEnds = implementing(this.listeners, "responseBodyEnd",
        String.class, String.class, boolean.class, Duration.class);
  }

  /** The indexes of the listeners whose class implements {@code event}, not the interface's default. */
  private static int[] implementing(LanesListener[] listeners, String event, Class<?>... parameters) {
    int[] found = new int[listeners.length];
    int n = 0;
    for (int i = 0; i < listeners.length; i++) {
      boolean own;
      try {
        own = listeners[i].getClass().getMethod(event, parameters).getDeclaringClass() != LanesListener.class;
      } catch (NoSuchMethodException | SecurityException e) {
        own = true; // cannot tell: call it
      }
      if (own) {
        found[n++] = i;
      }
    }
    return Arrays.copyOf(found, n);
  }

  // Each event is an explicit loop rather than a lambda per call: nothing is allocated per event.
  private void failed(int i, Throwable t) {
    if (complained[i].compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.ERROR, () -> "listener " + listeners[i].getClass().getName()
          + " threw; its later failures are not logged", t);
    }
  }

  @Override
  public void requestStart(String method, String path) {
    for (int i : requestStarts) {
      try {
        listeners[i].requestStart(method, path);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void requestEnd(String route, String method, int status, Duration duration) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].requestEnd(route, method, status, duration);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void responseBodyEnd(String route, String method, boolean completed, Duration duration) {
    for (int i : responseBodyEnds) {
      try {
        listeners[i].responseBodyEnd(route, method, completed, duration);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void laneWaitStart(String lane) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].laneWaitStart(lane);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void laneAcquired(String lane, Duration queueWait) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].laneAcquired(lane, queueWait);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void laneWaitCancelled(String lane) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].laneWaitCancelled(lane);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void laneRejected(String lane, LaneRejectedException.Reason reason) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].laneRejected(lane, reason);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void laneTaskStart(String lane) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].laneTaskStart(lane);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void laneTaskEnd(String lane, TaskOutcome outcome, Duration duration) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].laneTaskEnd(lane, outcome, duration);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void backgroundTaskStart(String name, String route) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].backgroundTaskStart(name, route);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void backgroundTaskEnd(String name, String route, TaskOutcome outcome, Duration duration) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].backgroundTaskEnd(name, route, outcome, duration);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void tlsHandshakeFailed(TlsHandshakeFailure reason) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].tlsHandshakeFailed(reason);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void lifespan(LifespanPhase phase) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].lifespan(phase);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void eventLoopBlocked(BlockedLoop report) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].eventLoopBlocked(report);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void virtualThreadPinned(PinnedThread report) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].virtualThreadPinned(report);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void eventLoopLatency(String loop, Duration delay) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].eventLoopLatency(loop, delay);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void taskEnqueued(String type, String id, Duration delay) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].taskEnqueued(type, id, delay);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void taskStarted(String type, String id, int attempt, Duration late, boolean redelivered) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].taskStarted(type, id, attempt, late, redelivered);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void taskSucceeded(String type, String id, Duration took) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].taskSucceeded(type, id, took);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void taskRetried(String type, String id, int attempt, Duration backoff, Throwable error) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].taskRetried(type, id, attempt, backoff, error);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }

  @Override
  public void taskFailed(String type, String id, int attempt, Throwable error) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].taskFailed(type, id, attempt, error);
      } catch (Throwable t) {
        failed(i, t);
      }
    }
  }
}

package dev.lanes.internal.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Server-wide state shared by all connections: requests in flight, open connections, whether we
 * drain, and why connections or requests were refused or timed out. Lock-free; read by
 * {@code Server.statistics()}.
 */
public final class Admission {
  /** Fired down every connection's pipeline when the server starts draining. */
  public static final Object DRAIN = new Object() {
    @Override
    public String toString() {
      return "DRAIN";
    }
  };

  /** Which connection timeout fired. */
  public enum Timeout { REQUEST_HEAD, BODY_READ, KEEP_ALIVE, SEND }

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger arriving = new AtomicInteger(); // heads read, bodies still coming
  private final AtomicInteger bodiesInFlight = new AtomicInteger(); // produced bodies still being written
  private final AtomicInteger finalGoAwaysDue = new AtomicInteger(); // HTTP/2 connections, until their last GOAWAY
  private final AtomicInteger sessions = new AtomicInteger(); // WebSocket sessions whose handler has not ended
  private final AtomicInteger connections = new AtomicInteger();
  private final LongAdder busyRejections = new LongAdder();
  private final LongAdder connectionRejections = new LongAdder();
  private final LongAdder badRequests = new LongAdder();
  private final LongAdder[] timeouts = newAdders(Timeout.values().length);
  private final int maxInFlight;
  private final int maxConnections;
  private volatile boolean draining;

  public Admission() {
    this(0, 0);
  }

  /** Limits of 0 mean none. */
  public Admission(int maxInFlight, int maxConnections) {
    this.maxInFlight = maxInFlight;
    this.maxConnections = maxConnections;
  }

  /**
   * Admits a request under the server-wide limit; on false the caller answers 503 and must not
   * call {@link #requestEnded()}.
   */
  public boolean tryStartRequest() {
    if (maxInFlight <= 0) {
      inFlight.incrementAndGet();
      return true;
    }
    while (true) {
      int n = inFlight.get();
      if (n >= maxInFlight) {
        busyRejections.increment();
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /**
   * Whether {@code maxInFlight} requests are running now, so that {@link #tryStartRequest()} would
   * refuse; counts nothing. For a request answered from its head (its client waits for
   * {@code 100 Continue}), which is then refused with {@link #refuseBusy()}.
   */
  public boolean full() {
    return maxInFlight > 0 && inFlight.get() >= maxInFlight;
  }

  /** Counts a request answered 503 for the in-flight limit without {@link #tryStartRequest()}. */
  public void refuseBusy() {
    busyRejections.increment();
  }

  /**
   * A request's head was read and its body is still arriving at the end of a read: it counts
   * for a drain like a request in flight, so an upload under way when the server stops is read,
   * served and answered within the grace period rather than cut off.
   */
  public void requestArriving() {
    arriving.incrementAndGet();
  }

  /** The arriving request was read to its end and handed over (admitted or queued), or its connection closed. */
  public void requestArrived() {
    if (arriving.decrementAndGet() == 0 && draining) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /**
   * An HTTP/2 connection opened: until it sends its final GOAWAY (RFC 9113 6.8's second step) a
   * client may still open streams on it, so a drain waits for it as for a request in flight.
   * Counted from the start, so no connection slips past a drain that has just begun.
   */
  public void finalGoAwayDue() {
    finalGoAwaysDue.incrementAndGet();
  }

  /** That connection sent its final GOAWAY or closed; once per {@link #finalGoAwayDue()}. */
  public void finalGoAwaySent() {
    if (finalGoAwaysDue.decrementAndGet() == 0 && draining) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /**
   * A connection switched to WebSocket: until its handler has ended (a blocking one returned, an
   * async one's {@code onClose} returned) a drain waits for it as for a request in flight, so
   * the shutdown hooks never close what a handler still uses after the server's 1001. Counted
   * before the 101 is written, while its upgrade request is still in flight.
   */
  public void sessionOpened() {
    sessions.incrementAndGet();
  }

  /** That session's handler has ended, or it never opened; once per {@link #sessionOpened()}. */
  public void sessionEnded() {
    if (sessions.decrementAndGet() == 0 && draining) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /** WebSocket sessions whose handler has not ended. */
  public int sessions() {
    return sessions.get();
  }

  public void bodyStarted() {
    bodiesInFlight.incrementAndGet();
  }

  public void bodyEnded() {
    bodiesInFlight.decrementAndGet();
  }

  public int bodiesInFlight() {
    return bodiesInFlight.get();
  }

  public void requestEnded() {
    if (inFlight.decrementAndGet() == 0 && draining) {
      synchronized (this) {
        notifyAll(); // wakes Server.close() waiting for the last request
      }
    }
  }

  /**
   * Waits until no request is in flight or arriving, no WebSocket handler runs and every HTTP/2
   * connection has sent its final GOAWAY, or {@code deadlineNanos} (System.nanoTime) passes. An
   * arriving request is admitted before it stops counting as arriving, a stream is admitted
   * before its connection's final GOAWAY, and a session is counted before its upgrade request
   * ends, so none slips between the counts.
   */
  public synchronized boolean awaitNoneInFlight(long deadlineNanos) throws InterruptedException {
    while (arriving.get() > 0 || inFlight.get() > 0 || finalGoAwaysDue.get() > 0 || sessions.get() > 0) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      // Bounded waits: requestEnded notifies only once draining is visible to it.
      wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
    }
    return true;
  }

  public int inFlight() {
    return inFlight.get();
  }

  /** Counts an accepted connection; false (and counted as refused) past the limit. */
  public boolean tryOpenConnection() {
    int n = connections.incrementAndGet();
    if (maxConnections > 0 && n > maxConnections) {
      connections.decrementAndGet();
      connectionRejections.increment();
      return false;
    }
    return true;
  }

  public void connectionClosed() {
    connections.decrementAndGet();
  }

  public void badRequest() {
    badRequests.increment();
  }

  public void timedOut(Timeout which) {
    timeouts[which.ordinal()].increment();
  }

  public boolean isDraining() {
    return draining;
  }

  public void startDraining() {
    draining = true;
  }

  /** Requests answered 503 because {@code maxInFlight} were running. */
  public long busyRejections() {
    return busyRejections.sum();
  }

  /** Connections refused past {@code maxConnections}. */
  public long connectionRejections() {
    return connectionRejections.sum();
  }

  /** Requests refused for syntax, framing or size. */
  public long badRequests() {
    return badRequests.sum();
  }

  /** Connections closed because {@code which} timeout fired. */
  public long timeouts(Timeout which) {
    return timeouts[which.ordinal()].sum();
  }

  /** Connections open now. */
  public int connections() {
    return connections.get();
  }


  private static LongAdder[] newAdders(int n) {
    LongAdder[] adders = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }
}

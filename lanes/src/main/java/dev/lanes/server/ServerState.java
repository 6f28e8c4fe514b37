package dev.lanes.server;

import java.util.concurrent.atomic.AtomicInteger;

/** Server-wide counters shared by all connections: requests in flight and whether we drain. */
final class ServerState {
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean draining;

  void requestStarted() {
    inFlight.incrementAndGet();
  }

  void requestEnded() {
    inFlight.decrementAndGet();
  }

  int inFlight() {
    return inFlight.get();
  }

  boolean isDraining() {
    return draining;
  }

  void startDraining() {
    draining = true;
  }
}

package dev.lanes.observe.micrometer;

import dev.lanes.concurrency.TaskOutcome;
import dev.lanes.observe.TlsHandshakeFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters events record into, with the one registry they were registered in. A binder bound to
 * another registry replaces the whole value, so a recording reads one reference and never mixes a
 * registry with meters cached from another (which kept the new registry's meters at zero while
 * the old one counted on).
 */
final class EventMeters {
  final MeterRegistry registry;
  final ConcurrentHashMap<String, Timer> queueWait = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, RouteTimers> requests = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, Timer> loopLatency = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, Counter> blocked = new ConcurrentHashMap<>();
  final ConcurrentHashMap<TaskOutcome, Counter> background = new ConcurrentHashMap<>();
  final ConcurrentHashMap<TlsHandshakeFailure, Counter> tlsFailures = new ConcurrentHashMap<>();

  final Counter pinned;

  /**
   * The request timer used last: a server's requests mostly repeat one route, method and status,
   * so this spares the two lookups and the status slot's read. Read and written without
   * synchronisation on purpose: its fields are final, so any value a thread sees is whole, and a
   * stale one only costs the lookups.
   */
  LastRequest lastRequest;

  /** A request timer with what it was looked up by (route and method compared by identity first). */
  record LastRequest(String route, String method, int status, Timer timer) {
    boolean isFor(String route, String method, int status) {
      return this.status == status && (this.route == route || this.route.equals(route))
          && (this.method == method || this.method.equals(method));
    }
  }

  EventMeters(MeterRegistry registry) {
    this.registry = registry;
    this.pinned = Counter.builder("lanes.virtualthread.pinned")
        .description("virtual threads that blocked while pinned to their carrier").register(registry);
  }
}

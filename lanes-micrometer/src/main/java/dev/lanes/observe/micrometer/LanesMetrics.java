package dev.lanes.observe.micrometer;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.LaneRejectedException;
import dev.lanes.concurrency.TaskOutcome;
import dev.lanes.observe.BlockedLoop;
import dev.lanes.observe.LanesListener;
import dev.lanes.observe.LifespanPhase;
import dev.lanes.observe.PinnedThread;
import dev.lanes.observe.TlsHandshakeFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.ToDoubleFunction;

/**
 * An app's lanes, requests, background tasks and event loops as Micrometer meters. It is both a
 * {@link LanesListener} (for what happens: requests, queue waits, blocked loops) and a
 * {@link MeterBinder} (for what is: each lane's capacity, borrowed and waiting tokens).
 *
 * <pre>{@code
 * LanesMetrics metrics = LanesMetrics.create();
 * App app = App.builder().listener(metrics)...build();
 * metrics.monitor(app).bindTo(registry);       // e.g. a PrometheusMeterRegistry
 * }</pre>
 *
 * <p>Meter names (Prometheus form in {@code docs/observability.md}); every lane meter is tagged
 * {@code lane}:
 * <ul>
 *   <li>{@code lanes.lane.capacity} (the current limit: it moves for an adaptive lane),
 *       {@code lanes.lane.capacity.min}, {@code lanes.lane.capacity.max} (its bounds; equal to
 *       the capacity for a fixed lane), {@code lanes.lane.borrowed}, {@code lanes.lane.waiting}
 *       gauges; {@code lanes.lane.compute} (1 while an adaptive lane is in compute mode, its new
 *       tasks on platform threads; else 0) and the {@code lanes.lane.compute.entered} counter (its
 *       entries into compute mode, so a switch between two scrapes shows too)</li>
 *   <li>{@code lanes.lane.completed}, {@code .failed}, {@code .cancelled}, {@code .rejected},
 *       {@code .timed.out} counters (from the lane's own statistics)</li>
 *   <li>{@code lanes.lane.queue.wait} timer with a histogram: the wait for a token</li>
 *   <li>{@code lanes.http.server.requests} timer with a histogram, tagged {@code route},
 *       {@code method} ({@code _OTHER} for a non-standard one), {@code status}: time to the response head</li>
 *   <li>{@code lanes.background.tasks} counter tagged {@code outcome};
 *       {@code lanes.background.pending} gauge</li>
 *   <li>{@code lanes.eventloop.task.latency} timer tagged {@code loop}: how long a task posted
 *       to the loop waited to run; removed when the server stops</li>
 *   <li>{@code lanes.eventloop.blocked} counter tagged {@code route}; {@code lanes.virtualthread.pinned} counter</li>
 *   <li>{@code lanes.tls.handshake.failures} counter tagged {@code reason}
 *       ({@link TlsHandshakeFailure#tag()}: {@code timeout}, {@code not_tls}, {@code protocol},
 *       {@code certificate}, {@code closed}, {@code other})</li>
 * </ul>
 *
 * <p>The meters read from the app (its lanes, {@code lanes.background.pending}) are those of the
 * app last monitored, in the registry last bound: monitoring another app (a restart, a test
 * reusing the registry) removes the previous app's before registering its own. Events too are
 * recorded in the registry last bound, and only there.
 *
 * <p>Events before {@link #bindTo} are dropped. The recording paths look meters up in small
 * concurrent maps ({@code get} first: a {@code computeIfAbsent} allocates its capturing lambda on
 * every call) and allocate nothing once a meter exists; a request first checks the timer the
 * previous request used (a small value, made anew only when route, method or status change).
 */
public final class LanesMetrics implements LanesListener, MeterBinder {
  // Explicit bucket bounds, 1-2.5-5 per decade as Prometheus' and OpenTelemetry's defaults, from
  // 100 us to 60 s: 19 series per timer where Micrometer's percentile histogram (50 us to 60 s)
  // made 94, and each recording's bucket search takes 5 steps instead of 7.
  private static final Duration[] BUCKETS = bounds(
      100_000L, 250_000L, 500_000L, 1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L, 25_000_000L, 50_000_000L,
      100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L, 2_500_000_000L, 5_000_000_000L, 10_000_000_000L,
      30_000_000_000L, 60_000_000_000L);

  private volatile EventMeters meters; // null until bound
  private volatile App app;
  // What bindApp registered, and where: a registry hands back an existing meter of the same name
  // and tags, so a next app's would keep reading the previous app's lanes unless these go first.
  private final List<Meter> appMeters = new ArrayList<>(); // guarded by this
  private MeterRegistry appMetersIn; // guarded by this

  private LanesMetrics() {}

  /** Metrics not yet bound: add them to an app as a listener, then {@link #monitor} and bind. */
  public static LanesMetrics create() {
    return new LanesMetrics();
  }

  /**
   * Watches {@code app}'s lanes and background runner (gauges and counters read at scrape time),
   * in place of the app monitored before, whose meters are removed.
   */
  public LanesMetrics monitor(App app) {
    this.app = Objects.requireNonNull(app, "app");
    EventMeters m = meters;
    if (m != null) {
      bindApp(m.registry, app);
    }
    return this;
  }

  /**
   * Registers the meters in {@code registry}, in place of the registry bound before: the app's
   * meters move (they are removed from the previous one) and later events are recorded here only.
   * To publish to several registries, bind once to a {@code CompositeMeterRegistry} of them.
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    EventMeters m = meters;
    if (m == null || m.registry != registry) {
      this.meters = new EventMeters(registry);
    }
    App a = app;
    if (a != null) {
      bindApp(registry, a);
    }
  }

  private synchronized void bindApp(MeterRegistry r, App app) {
    if (appMetersIn != null) {
      appMeters.forEach(appMetersIn::remove);
    }
    appMeters.clear();
    appMetersIn = r;
    for (Lane lane : app.lanes().all()) {
      gauge(r, "lanes.lane.capacity", lane, l -> l.limiter().totalTokens(),
          "tokens in the lane: the current limit of an adaptive lane");
      gauge(r, "lanes.lane.capacity.min", lane, l -> l.sizing().minCapacity(), "the lowest limit the lane may set");
      gauge(r, "lanes.lane.capacity.max", lane, l -> l.sizing().maxCapacity(), "the highest limit the lane may set");
      gauge(r, "lanes.lane.borrowed", lane, l -> l.limiter().borrowed(), "tasks holding a token");
      gauge(r, "lanes.lane.waiting", lane, l -> l.limiter().waiting(), "tasks queued for a token");
      gauge(r, "lanes.lane.compute", lane, l -> l.statistics().computeMode() ? 1 : 0,
          "1 while an adaptive lane is in compute mode (new tasks on platform threads), else 0");
      counter(r, "lanes.lane.compute.entered", lane, l -> l.statistics().computeModeEntries(),
          "times an adaptive lane entered compute mode");
      counter(r, "lanes.lane.completed", lane, l -> l.statistics().completed(), "tasks that returned");
      counter(r, "lanes.lane.failed", lane, l -> l.statistics().failed(), "tasks that threw");
      counter(r, "lanes.lane.cancelled", lane, l -> l.statistics().cancelled(), "tasks cancelled while running");
      counter(r, "lanes.lane.rejected", lane, l -> l.statistics().rejected(), "tasks refused: queue full or lane closed");
      counter(r, "lanes.lane.timed.out", lane, l -> l.statistics().timedOut(), "tasks refused: waited too long");
    }
    appMeters.add(Gauge.builder("lanes.background.pending", app, a -> a.background().statistics().pending())
        .description("background tasks queued or running").register(r));
  }

  private void gauge(MeterRegistry r, String name, Lane lane, ToDoubleFunction<Lane> f, String what) {
    appMeters.add(Gauge.builder(name, lane, f).tag("lane", lane.name()).description(what).register(r));
  }

  private void counter(MeterRegistry r, String name, Lane lane, ToDoubleFunction<Lane> f, String what) {
    appMeters.add(FunctionCounter.builder(name, lane, f).tag("lane", lane.name()).description(what).register(r));
  }

  @Override
  public void requestEnd(String route, String method, int status, Duration duration) {
    EventMeters m = meters;
    if (m == null || status < 100 || status > 599) {
      return;
    }
    EventMeters.LastRequest last = m.lastRequest;
    Timer t;
    if (last != null && last.isFor(route, method, status)) {
      t = last.timer();
    } else {
      t = requestTimer(m, route, method, status);
      m.lastRequest = new EventMeters.LastRequest(route, method, status, t);
    }
    t.record(duration);
  }

  private static Timer requestTimer(EventMeters m, String route, String method, int status) {
    // get before computeIfAbsent: after the first request of a route, one map read.
    RouteTimers timers = m.requests.get(route);
    if (timers == null) {
      timers = m.requests.computeIfAbsent(route, k -> new RouteTimers());
    }
    AtomicReferenceArray<Timer> byStatus = timers.byStatus(method);
    Timer t = byStatus.get(status);
    if (t == null) {
      t = Timer.builder("lanes.http.server.requests")
          .description("time from reading a request to writing its response head")
          .tags("route", route, "method", RouteTimers.methodTag(method), "status", Integer.toString(status))
          .serviceLevelObjectives(BUCKETS).register(m.registry);
      byStatus.set(status, t); // a racing caller gets the same timer from the registry
    }
    return t;
  }

  @Override
  public void laneAcquired(String lane, Duration wait) {
    EventMeters m = meters;
    if (m == null) {
      return;
    }
    // get before computeIfAbsent, whose lambda (it captures m) would be allocated on every call
    Timer t = m.queueWait.get(lane);
    if (t == null) {
      t = m.queueWait.computeIfAbsent(lane, l -> latencyTimer(m.registry, "lanes.lane.queue.wait",
          "how long a task waited for a token of the lane", "lane", l));
    }
    t.record(wait);
  }

  /** A latency timer with a histogram of {@link #BUCKETS}. */
  private static Timer latencyTimer(MeterRegistry r, String name, String description, String tag, String value) {
    return Timer.builder(name).description(description).tag(tag, value).serviceLevelObjectives(BUCKETS).register(r);
  }

  private static Duration[] bounds(long... nanos) {
    Duration[] d = new Duration[nanos.length];
    for (int i = 0; i < nanos.length; i++) {
      d[i] = Duration.ofNanos(nanos[i]);
    }
    return d;
  }

  @Override
  public void laneRejected(String lane, LaneRejectedException.Reason reason) {
    // counted from the lane's statistics (lanes.lane.rejected, lanes.lane.timed.out)
  }

  @Override
  public void backgroundTaskEnd(String name, String route, TaskOutcome outcome, Duration duration) {
    EventMeters m = meters;
    if (m != null) {
      Counter c = m.background.get(outcome);
      if (c == null) {
        c = m.background.computeIfAbsent(outcome, o -> Counter.builder("lanes.background.tasks")
            .description("background tasks ended, by outcome").tag("outcome", o.tag()).register(m.registry));
      }
      c.increment();
    }
  }

  @Override
  public void tlsHandshakeFailed(TlsHandshakeFailure reason) {
    EventMeters m = meters;
    if (m != null) {
      Counter c = m.tlsFailures.get(reason);
      if (c == null) {
        c = m.tlsFailures.computeIfAbsent(reason, r -> Counter.builder("lanes.tls.handshake.failures")
            .description("TLS handshakes that failed, by reason").tag("reason", r.tag()).register(m.registry));
      }
      c.increment();
    }
  }

  @Override
  public void eventLoopLatency(String loop, Duration delay) {
    EventMeters m = meters;
    if (m != null) {
      Timer t = m.loopLatency.get(loop);
      if (t == null) {
        t = m.loopLatency.computeIfAbsent(loop, l -> latencyTimer(m.registry, "lanes.eventloop.task.latency",
            "how long a task posted to the event loop waited before it ran", "loop", l));
      }
      t.record(delay);
    }
  }

  /**
   * A stopped server's loops are gone, and a next server's are named anew ({@code lanes-loop-<pool>-<n>},
   * the pool numbered per JVM): their latency timers go with them, or each restart would leave
   * another set behind in the registry, exported for ever.
   */
  @Override
  public void lifespan(LifespanPhase phase) {
    EventMeters m = meters;
    if (m != null && phase == LifespanPhase.STOPPED) {
      for (var it = m.loopLatency.values().iterator(); it.hasNext(); ) {
        m.registry.remove(it.next());
        it.remove();
      }
    }
  }

  @Override
  public void eventLoopBlocked(BlockedLoop report) {
    EventMeters m = meters;
    if (m != null) {
      String route = report.route().orElse("none");
      Counter c = m.blocked.get(route);
      if (c == null) {
        c = m.blocked.computeIfAbsent(route, r -> Counter.builder("lanes.eventloop.blocked")
            .description("incidents of an event loop busy longer than the threshold")
            .tag("route", r).register(m.registry));
      }
      c.increment();
    }
  }

  @Override
  public void virtualThreadPinned(PinnedThread report) {
    EventMeters m = meters;
    if (m != null) {
      m.pinned.increment();
    }
  }
}

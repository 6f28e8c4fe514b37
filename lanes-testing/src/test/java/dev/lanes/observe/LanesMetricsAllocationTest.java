package dev.lanes.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanes.concurrency.TaskOutcome;
import dev.lanes.observe.micrometer.LanesMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link LanesMetrics} records an event without allocating once its meter exists, as its Javadoc
 * says: {@code laneAcquired} runs for every blocking request. A {@code computeIfAbsent} whose
 * lambda captures the meters allocates that lambda on every call, found or not (16 bytes), so the
 * meter is read with {@code get} first; the pinned counter was built and looked up in the
 * registry per event (72 bytes).
 */
class LanesMetricsAllocationTest {
  private static final int CALLS = 100_000;

  @Test
  void recordingAnEventWhoseMeterExistsAllocatesNothing() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LanesMetrics m = LanesMetrics.create();
    m.bindTo(registry);
    Duration d = Duration.ofMillis(3);
    PinnedThread pinned = new PinnedThread("vt", d, List.of());
    BlockedLoop blocked = new BlockedLoop("lanes-loop-1-1", Optional.of("GET /x"), d, Thread.State.RUNNABLE, List.of());
    Map<String, Runnable> events = new LinkedHashMap<>();
    events.put("requestEnd", () -> m.requestEnd("GET /x", "GET", 200, d));
    events.put("laneAcquired", () -> m.laneAcquired("db", d));
    events.put("backgroundTaskEnd", () -> m.backgroundTaskEnd("audit", "GET /x", TaskOutcome.COMPLETED, d));
    events.put("eventLoopLatency", () -> m.eventLoopLatency("lanes-loop-1-1", d));
    events.put("eventLoopBlocked", () -> m.eventLoopBlocked(blocked));
    events.put("virtualThreadPinned", () -> m.virtualThreadPinned(pinned));
    events.put("tlsHandshakeFailed", () -> m.tlsHandshakeFailed(TlsHandshakeFailure.TIMEOUT));
    long thread = Thread.currentThread().threadId();
    Map<String, Double> perCall = new LinkedHashMap<>();
    events.forEach((name, event) -> {
      for (int i = 0; i < 2 * CALLS; i++) { // the meter exists, and the code is compiled
        event.run();
      }
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < CALLS; i++) {
        event.run();
      }
      perCall.put(name, (threads.getThreadAllocatedBytes(thread) - before) / (double) CALLS);
    });
    // under a byte per call: what is left is the measurement's own (a deoptimised moment)
    assertThat(perCall).as("bytes allocated per event").allSatisfy((name, bytes) -> assertThat(bytes).as(name).isLessThan(1.0));
  }
}

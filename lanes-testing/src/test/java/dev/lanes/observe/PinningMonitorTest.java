package dev.lanes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.internal.observe.Instruments;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** JFR's jdk.VirtualThreadPinned reaches the listener (JDK 24+: a class initializer still pins). */
class PinningMonitorTest {

  /** Blocks in its static initializer: a virtual thread that triggers it stays pinned meanwhile. */
  static final class SlowToInitialise {
    static {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    static void touch() {}
  }

  @Test
  void aVirtualThreadBlockingWhilePinnedIsReported() throws Exception {
    CountDownLatch reported = new CountDownLatch(1);
    AtomicReference<PinnedThread> seen = new AtomicReference<>();
    LanesListener listener = new LanesListener() {
      @Override
      public void virtualThreadPinned(PinnedThread report) {
        if (report.thread().equals("lane-pinning-test")) {
          seen.set(report);
          reported.countDown();
        }
      }
    };
    Observability observability = Instruments.of(List.of(listener), Duration.ZERO);
    PinningMonitor monitor = PinningMonitor.start(observability, Duration.ofMillis(20));
    try {
      Thread.ofVirtual().name("lane-pinning-test").start(SlowToInitialise::touch).join();
      assertThat(reported.await(30, TimeUnit.SECONDS)).as("JFR delivered the pinning event").isTrue();
    } finally {
      monitor.close();
    }
    assertThat(seen.get().duration()).isGreaterThanOrEqualTo(Duration.ofMillis(20));
  }
}

package dev.lanes.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Fixed, unbounded and adaptive lanes as built, resized and reported. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LaneSizingTest {

  @Test
  void boundsAreCheckedWhenTheSizingIsMade() {
    assertThatThrownBy(() -> LaneSizing.fixed(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity must be >= 1: 0");
    assertThatThrownBy(() -> LaneSizing.adaptive(0, 5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("min must be >= 1");
    assertThatThrownBy(() -> LaneSizing.adaptive(6, 5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max must be >= min");
    assertThat(LaneSizing.adaptive()).isEqualTo(new LaneSizing.Adaptive(1, 1024));
  }

  @Test
  void anAdaptiveLaneStartsAtItsMaximumAndReportsItsBounds() {
    try (Lane lane = Lane.builder("cpu").adaptive(2, 50).build()) {
      LaneStatistics s = lane.statistics();
      assertThat(s.capacity()).isEqualTo(50);
      assertThat(s.sizing()).isEqualTo(new LaneSizing.Adaptive(2, 50));
      assertThat(lane.sizing()).isEqualTo(s.sizing());
      // the queue bound follows the largest limit: 4 x 50
      List<CompletableFuture<Void>> blocked = new ArrayList<>();
      CountDownLatch release = new CountDownLatch(1);
      for (int i = 0; i < 250; i++) {
        blocked.add(lane.execute(() -> awaitQuietly(release)));
      }
      assertThat(lane.run(() -> "one too many")).isCompletedExceptionally();
      release.countDown();
      CompletableFuture.allOf(blocked.toArray(CompletableFuture[]::new)).join();
    }
  }

  @Test
  void anAdaptiveLaneCannotBeResizedByHand() {
    try (Lane lane = Lane.builder("cpu").adaptive().build()) {
      assertThatThrownBy(() -> lane.resize(4)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("lane 'cpu' sizes itself").hasMessageContaining("capacity(n)");
      assertThat(lane.statistics().capacity()).isEqualTo(1024);
    }
  }

  @Test
  void adaptiveNeedsVirtualThreadsAndUnboundedRefusesAPlatformPool() {
    assertThatThrownBy(() -> Lane.builder("a").adaptive().platformThreads().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs virtual threads");
    assertThatThrownBy(() -> Lane.builder("u").unbounded().platformThreads().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unbounded");
  }

  @Test
  void anUnboundedLaneRunsEverythingAtOnceAndBecomesFixedWhenResized() throws Exception {
    try (Lane lane = Lane.builder("all").unbounded().build()) {
      CountDownLatch allRunning = new CountDownLatch(500);
      CountDownLatch release = new CountDownLatch(1);
      List<CompletableFuture<Void>> tasks = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        tasks.add(lane.execute(() -> {
          allRunning.countDown();
          awaitQuietly(release);
        }));
      }
      assertThat(allRunning.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(lane.statistics().waiting()).isZero();
      assertThat(lane.statistics().sizing()).isEqualTo(LaneSizing.unbounded());
      release.countDown();
      CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

      lane.resize(3);
      assertThat(lane.sizing()).isEqualTo(LaneSizing.fixed(3));
      assertThat(lane.statistics().capacity()).isEqualTo(3);
    }
  }

  @Test
  void theDefaultHandlerLanesAreAdaptiveAndTheOthersFixed() {
    try (Lanes lanes = Lanes.defaults().build()) {
      assertThat(lanes.statistics()).extracting(LaneStatistics::name, LaneStatistics::sizing).containsExactly(
          org.assertj.core.groups.Tuple.tuple("endpoints", LaneSizing.adaptive(1, Lanes.HANDLER_LANE_MAX)),
          org.assertj.core.groups.Tuple.tuple("blocking", LaneSizing.adaptive(1, Lanes.HANDLER_LANE_MAX)),
          org.assertj.core.groups.Tuple.tuple("background", LaneSizing.adaptive(1, 256)),
          org.assertj.core.groups.Tuple.tuple("streaming", LaneSizing.fixed(256)),
          org.assertj.core.groups.Tuple.tuple("files", LaneSizing.fixed(64)),
          org.assertj.core.groups.Tuple.tuple("websockets", LaneSizing.fixed(1024)));
    }
  }

  /**
   * Real CPU-bound tasks (spinning, never parking) on virtual threads, many more than carriers:
   * they wait for a carrier most of their time, so the lane moves to platform threads, one per core.
   */
  @Test
  void aLaneOfSpinningTasksMovesToPlatformThreadsOnePerCore() {
    int cores = Runtime.getRuntime().availableProcessors();
    int max = 8 * cores;
    try (Lane lane = Lane.builder("spin").adaptive(1, max).build()) {
      Set<Boolean> virtual = ConcurrentHashMap.newKeySet();
      Await.until("the lane to enter compute mode", Duration.ofSeconds(40), () -> {
        List<CompletableFuture<Void>> batch = new ArrayList<>();
        for (int i = 0; i < max; i++) {
          batch.add(lane.execute(() -> {
            virtual.add(Thread.currentThread().isVirtual());
            spin(TimeUnit.MILLISECONDS.toNanos(3));
          }));
        }
        CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
        return lane.statistics().executorKind() == Lane.ExecutorKind.PLATFORM;
      }, () -> lane.statistics().toString());
      // one per core, more only if the process could not keep the cores busy (a shared machine)
      assertThat(lane.statistics().capacity()).isBetween(cores, max - 1);
      virtual.clear();
      lane.execute(() -> virtual.add(Thread.currentThread().isVirtual())).join();
      assertThat(virtual).containsExactly(false);
    }
  }

  /**
   * A lane in compute mode whose tasks now sleep, while other threads keep the process computing
   * (the JIT, the loops, another lane): its tasks on platform threads measure their own CPU time,
   * near nothing, so it goes back to virtual threads, at the limit it had before it entered.
   */
  @Test
  void aLaneInComputeModeWhoseTasksSleepLeavesItWhileTheProcessComputes() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    int max = 8 * cores;
    try (Lane lane = Lane.builder("mixed").adaptive(1, max).build()) {
      Await.until("the lane to enter compute mode", Duration.ofSeconds(40), () -> {
        runBatch(lane, max, () -> spin(TimeUnit.MILLISECONDS.toNanos(3)));
        return lane.statistics().computeMode();
      }, () -> lane.statistics().toString());
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> spinners = new ArrayList<>();
      for (int i = 0; i < cores; i++) {
        spinners.add(Thread.ofPlatform().daemon().start(() -> {
          while (!stop.get()) {
            spin(TimeUnit.MILLISECONDS.toNanos(1));
          }
        }));
      }
      try {
        Await.until("the lane to leave compute mode", Duration.ofSeconds(40), () -> {
          runBatch(lane, 2 * cores, () -> sleepQuietly(30));
          return !lane.statistics().computeMode();
        }, () -> lane.statistics().toString());
      } finally {
        stop.set(true);
        for (Thread t : spinners) {
          t.join();
        }
      }
      assertThat(lane.statistics().capacity()).isEqualTo(max);
      assertThat(lane.statistics().executorKind()).isEqualTo(Lane.ExecutorKind.VIRTUAL);
    }
  }

  private static void runBatch(Lane lane, int n, Runnable task) {
    List<CompletableFuture<Void>> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(lane.execute(task));
    }
    CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Tasks that park (as I/O does) get their carrier back at once: the lane keeps its maximum. */
  @Test
  void aLaneOfParkingTasksKeepsItsMaximum() throws Exception {
    try (Lane lane = Lane.builder("io").adaptive(1, 64).build()) {
      for (int round = 0; round < 5; round++) {
        CountDownLatch allIn = new CountDownLatch(64);
        CountDownLatch release = new CountDownLatch(1);
        List<CompletableFuture<Void>> batch = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          batch.add(lane.execute(() -> {
            allIn.countDown();
            awaitQuietly(release);
          }));
        }
        assertThat(allIn.await(20, TimeUnit.SECONDS)).as("all 64 ran at once").isTrue();
        Thread.sleep(AdaptiveLimit.WINDOW_NANOS / 1_000_000 + 1); // so a window closes in this round
        release.countDown();
        CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        assertThat(lane.statistics().capacity()).isEqualTo(64);
      }
    }
  }

  private static void spin(long nanos) {
    long end = System.nanoTime() + nanos;
    long x = 0;
    while (System.nanoTime() < end) {
      x += Long.numberOfTrailingZeros(x + 1);
    }
    if (x == 42) {
      System.out.print(""); // keeps the loop from being optimised away
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

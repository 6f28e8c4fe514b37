package dev.lanes.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The adaptive limit driven by a synthetic workload and a fake clock: no sleeps, no real CPU load.
 * The workload is a closed loop of clients holding real permits of a real limiter, so in-flight
 * and queued counts are what the limiter says.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdaptiveLimitTest {
  private static final long MS = 1_000_000L;

  @Test
  void cpuBoundWorkEntersComputeModeAtTheCoresAndStaysThere() {
    int cores = 2;
    Workload w = new Workload(LaneSizing.adaptive(1, 1024), cores, 200);
    List<Integer> limits = new ArrayList<>();
    for (int window = 0; window < 100; window++) {
      w.cpuBoundWindow(20 * MS);
      limits.add(w.limiter.totalTokens());
    }
    // 200 tasks on 2 carriers wait 99% of their time: the first window moves the lane to platform
    // threads, one per core
    assertThat(limits.get(0)).isEqualTo(cores);
    assertThat(w.limit.computeMode()).isTrue();
    // it stays there: the tasks still compute and the process is busy, so no growth
    assertThat(limits).allMatch(l -> l == cores);
    // the 200 that held tokens before the change have drained: one task per core runs now
    assertThat(w.limiter.borrowed()).isEqualTo(cores);
  }

  @Test
  void computeModeHoldsTheCoresUntilTheTasksMostlyWait() {
    Workload w = new Workload(LaneSizing.adaptive(1, 64), 4, 100);
    w.computing(99 * MS, 100 * MS);
    assertThat(w.limiter.totalTokens()).isEqualTo(4);
    w.complete(w.limiter.borrowed());
    for (int window = 0; window < 30; window++) {
      // work queued, the tasks computing a fifth of their running time (or the OS sharing the
      // cores with other processes): hold, on platform threads
      w.cpu.addAndGet(20 * MS);
      w.sample(0, 100 * MS, AdaptiveLimit.WINDOW_NANOS);
    }
    assertThat(w.limiter.totalTokens()).isEqualTo(4);
    assertThat(w.limit.computeMode()).isTrue();
    // under a tenth: they wait on something else, back to virtual threads at the limit it had
    w.cpu.addAndGet(5 * MS);
    w.sample(0, 100 * MS, AdaptiveLimit.WINDOW_NANOS);
    assertThat(w.limiter.totalTokens()).isEqualTo(64);
    assertThat(w.limit.computeMode()).isFalse();
  }

  /**
   * Each entry into compute mode is counted, so a lane that goes in and out between two scrapes of
   * a gauge still shows that it did.
   */
  @Test
  void entriesIntoComputeModeAreCounted() {
    Workload w = new Workload(LaneSizing.adaptive(1, 64), 4, 100);
    assertThat(w.limit.computeModeEntries()).isZero();
    w.computing(99 * MS, 100 * MS);
    assertThat(w.limit.computeMode()).isTrue();
    assertThat(w.limit.computeModeEntries()).isEqualTo(1);
    w.complete(w.limiter.borrowed());
    w.cpu.addAndGet(20 * MS); // still computing: staying in is no new entry
    w.sample(0, 100 * MS, AdaptiveLimit.WINDOW_NANOS);
    assertThat(w.limit.computeModeEntries()).isEqualTo(1);
    w.cpu.addAndGet(5 * MS); // waiting on something else: out
    w.sample(0, 100 * MS, AdaptiveLimit.WINDOW_NANOS);
    assertThat(w.limit.computeMode()).isFalse();
    assertThat(w.limit.computeModeEntries()).isEqualTo(1);
    w.setDemand(100);
    w.computing(99 * MS, 100 * MS); // and in again
    assertThat(w.limit.computeMode()).isTrue();
    assertThat(w.limit.computeModeEntries()).isEqualTo(2);
  }

  @Test
  void aBurstOfSleepingTasksThatWaitedToStartDoesNotShrinkTheLane() {
    Workload w = new Workload(LaneSizing.adaptive(1, 1024), 2, 1000);
    for (int wave = 0; wave < 20; wave++) {
      // 1000 sleeps of 1 s that each waited 300 ms for a carrier to start, on 0.2 s of CPU in all
      w.cpu.addAndGet(200 * MS);
      w.clock.addAndGet(1_300 * MS);
      for (int task = 0; task < 1000; task++) {
        w.limit.record(300 * MS, 1_300 * MS);
      }
      if (wave > 0) { // the first wave after the quiet start opens the window, the next closes it
        assertThat(w.limit.lastCpuWait()).isGreaterThan(AdaptiveLimit.SHRINK_ABOVE); // they did wait
      }
    }
    assertThat(w.limiter.totalTokens()).isEqualTo(1024);
    assertThat(w.limit.computeMode()).isFalse();
    // the same waits with the tasks computing all the time they ran: CPU-bound, it shrinks
    Workload cpuBound = new Workload(LaneSizing.adaptive(1, 1024), 2, 1000);
    cpuBound.computing(300 * MS, 1_300 * MS);
    assertThat(cpuBound.limiter.totalTokens()).isEqualTo(2);
    assertThat(cpuBound.limit.computeMode()).isTrue();
  }

  @Test
  void theFirstTaskAfterAQuietSpellIsNotJudgedAgainstTheSpellsCpuTime() {
    Workload w = new Workload(LaneSizing.adaptive(1, 64), 2, 64);
    // a second of quiet in which the process computed (the JIT, another lane), then one task that
    // waited 20 ms of its 100 ms to start: alone against that CPU time it would look CPU-bound
    w.clock.addAndGet(1_000 * MS);
    w.cpu.addAndGet(1_500 * MS);
    w.limit.record(20 * MS, 100 * MS);
    assertThat(w.limit.computeMode()).isFalse();
    // the rest of the burst and the next one's first task close the window: the tasks parked
    for (int task = 0; task < 63; task++) {
      w.limit.record(20 * MS, 100 * MS);
    }
    w.clock.addAndGet(150 * MS);
    w.limit.record(0, 100 * MS);
    assertThat(w.limit.lastCpuWait()).isGreaterThan(AdaptiveLimit.SHRINK_ABOVE);
    assertThat(w.limit.computeMode()).isFalse();
    assertThat(w.limiter.totalTokens()).isEqualTo(64);
  }

  @Test
  void manyCoresConvergeToOneTaskPerCore() {
    int cores = 64;
    Workload w = new Workload(LaneSizing.adaptive(1, 1024), cores, 2000);
    for (int window = 0; window < 200; window++) {
      w.cpuBoundWindow(10 * MS);
      assertThat(w.limiter.totalTokens()).as("window %d", window).isEqualTo(cores);
    }
  }

  @Test
  void ioBoundWorkKeepsTheMaximum() {
    Workload w = new Workload(LaneSizing.adaptive(1, 1024), 2, 5000);
    for (int window = 0; window < 50; window++) {
      w.ioBoundWindow();
      assertThat(w.limiter.totalTokens()).isEqualTo(1024);
    }
    assertThat(w.limiter.borrowed()).isEqualTo(1024);
    assertThat(w.limit.computeMode()).isFalse();
  }

  @Test
  void aLaneInComputeModeGoesBackToVirtualThreadsAtItsFormerLimitWhenItsTasksStopComputing() {
    Workload w = new Workload(LaneSizing.adaptive(1, 1024), 2, 600);
    for (int window = 0; window < 80; window++) { // the 600 that started before the switch drain
      w.cpuBoundWindow(20 * MS);
    }
    assertThat(w.limiter.totalTokens()).isEqualTo(2);
    assertThat(w.limiter.borrowed()).isEqualTo(2);
    // the first window without CPU time ends it, and gives back the limit it had before (1024)
    w.ioBoundWindow();
    assertThat(w.limit.computeMode()).isFalse();
    assertThat(w.limiter.totalTokens()).isEqualTo(1024);
    assertThat(w.limiter.borrowed()).isEqualTo(600);
  }

  /**
   * The demo's start-up: sleeping requests and a flood of short ones in one lane. A window closes
   * on two short tasks that waited for a carrier (the JIT had them) and ran 1.3 ms in all, while the
   * process computed 100 ms (the JIT, the loops): that CPU time was not theirs.
   */
  @Test
  void aWindowOfShortTasksBesideCpuTimeFromElsewhereDoesNotEnterComputeMode() {
    Workload w = new Workload(LaneSizing.adaptive(1, 16384), 2, 100);
    w.clock.addAndGet(136 * MS);
    w.cpu.addAndGet(100 * MS);
    w.limit.record(6 * MS, 6_650_000);
    w.limit.record(6 * MS, 6_650_000);
    assertThat(w.limit.lastCpuWait()).isGreaterThan(AdaptiveLimit.SHRINK_ABOVE); // they did wait
    assertThat(w.limit.computeMode()).isFalse();
    assertThat(w.limiter.totalTokens()).isEqualTo(16384);
    // the same window with the tasks' running time accounting for the CPU time: CPU-bound
    Workload cpuBound = new Workload(LaneSizing.adaptive(1, 16384), 2, 100);
    cpuBound.clock.addAndGet(136 * MS);
    cpuBound.cpu.addAndGet(100 * MS);
    cpuBound.limit.record(60 * MS, 110 * MS);
    cpuBound.limit.record(60 * MS, 110 * MS);
    assertThat(cpuBound.limit.computeMode()).isTrue();
  }

  /**
   * In compute mode the tasks run on platform threads and measure their own CPU time: tasks that
   * sleep leave at the next window even while the process computes (the JIT, a flood in another
   * lane), which alone would keep them in.
   */
  @Test
  void inComputeModeTasksWhoseOwnCpuTimeIsNearZeroLeaveThoughTheProcessComputes() {
    Workload w = new Workload(LaneSizing.adaptive(1, 16384), 2, 100);
    w.computing(99 * MS, 100 * MS);
    assertThat(w.limit.computeMode()).isTrue();
    w.complete(w.limiter.borrowed());
    // the process computed on both cores all the window long, the tasks (200 ms sleeps) 50 us each
    w.cpu.addAndGet(200 * MS);
    w.clock.addAndGet(100 * MS);
    w.limit.record(0, 200 * MS, 50_000);
    assertThat(w.limit.computeMode()).isFalse();
    assertThat(w.limiter.totalTokens()).isEqualTo(16384);
    // tasks that compute what they run keep it, whatever the process's CPU time says
    Workload busy = new Workload(LaneSizing.adaptive(1, 16384), 2, 100);
    busy.computing(99 * MS, 100 * MS);
    busy.complete(busy.limiter.borrowed());
    busy.clock.addAndGet(100 * MS); // (the process's CPU time not read in time: none)
    busy.limit.record(0, 20 * MS, 18 * MS);
    assertThat(busy.limit.computeMode()).isTrue();
    assertThat(busy.limiter.totalTokens()).isEqualTo(2);
  }

  /** A lane that left compute mode gets back the limit it had before it entered, not the cores. */
  @Test
  void leavingComputeModeGivesBackTheLimitItHadBefore() {
    Workload w = new Workload(LaneSizing.adaptive(1, 300), 4, 100);
    w.computing(99 * MS, 100 * MS);
    assertThat(w.limiter.totalTokens()).isEqualTo(4);
    w.complete(w.limiter.borrowed());
    w.sample(0, 100 * MS, AdaptiveLimit.WINDOW_NANOS); // no CPU time: out
    assertThat(w.limit.computeMode()).isFalse();
    assertThat(w.limiter.totalTokens()).isEqualTo(300);
    assertThat(w.limiter.borrowed()).isEqualTo(100);
    assertThat(w.limiter.waiting()).isZero();
  }

  @Test
  void neverLeavesItsBoundsWhateverTheSamples() {
    for (int cores : new int[] {1, 2, 5, 40}) {
      LaneSizing.Adaptive bounds = new LaneSizing.Adaptive(3, 17);
      Workload w = new Workload(bounds, cores, 0);
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      Set<Boolean> modes = new java.util.HashSet<>();
      for (int window = 0; window < 2_000; window++) {
        w.setDemand(rnd.nextInt(0, 60));
        int samples = rnd.nextInt(1, 5);
        for (int i = 0; i < samples; i++) {
          long total = rnd.nextLong(0, 100 * MS);
          w.cpu.addAndGet(rnd.nextLong(0, cores * 100 * MS)); // any CPU use
          w.sample(rnd.nextLong(-MS, 2 * total + 1), total, rnd.nextLong(0, 40 * MS));
        }
        modes.add(w.limit.computeMode());
        int limit = w.limiter.totalTokens();
        assertThat(limit).as("cores %d, window %d", cores, window).isBetween(3, 17);
      }
      // compute mode needs more tasks in flight than its limit: impossible with cores above max
      assertThat(modes).as("cores %d: modes visited", cores)
          .isEqualTo(cores < 17 ? Set.of(true, false) : Set.of(false));
    }
  }

  @Test
  void theComputeLimitIsTheCoresWithinTheBounds() {
    Workload w = new Workload(LaneSizing.adaptive(1, 1024), 4, 100);
    w.computing(99 * MS, 100 * MS); // 99% waiting
    assertThat(w.limiter.totalTokens()).isEqualTo(4);
    Workload single = new Workload(LaneSizing.adaptive(1, 1024), 1, 100);
    single.computing(99 * MS, 100 * MS);
    assertThat(single.limiter.totalTokens()).isEqualTo(1);
    Workload high = new Workload(LaneSizing.adaptive(10, 1024), 4, 100);
    high.computing(99 * MS, 100 * MS);
    assertThat(high.limiter.totalTokens()).isEqualTo(10);
    Workload low = new Workload(LaneSizing.adaptive(1, 3), 4, 100);
    low.computing(99 * MS, 100 * MS);
    assertThat(low.limiter.totalTokens()).isEqualTo(3);
  }

  @Test
  void aWaitShareInTheDeadBandChangesNothing() {
    Workload w = new Workload(LaneSizing.adaptive(1, 200), 2, 300);
    for (int window = 0; window < 30; window++) {
      w.computing(7 * MS, 100 * MS); // 7%: between growing (5%) and entering compute mode (10%)
    }
    assertThat(w.limiter.totalTokens()).isEqualTo(200);
    assertThat(w.limit.computeMode()).isFalse();
    assertThat(w.limiter.waiting()).isPositive(); // there was demand to grow for
  }

  /**
   * Platform and virtual threads acquire and release permits of an adaptive limiter while each of
   * them also reports random samples, closing a window at almost every sample: the limiter is
   * resized hundreds of times under contention. No holder ever sees more holders than the adaptive
   * maximum, the total never leaves its bounds, and at the end nothing is held or queued and every
   * grant reached a caller.
   */
  @Test
  void resizingUnderContentionNeverOverGrants() throws Exception {
    int max = 6;
    CapacityLimiter limiter = CapacityLimiter.of(max);
    AtomicLong clock = new AtomicLong();
    AtomicLong cpu = new AtomicLong();
    AdaptiveLimit limit = new AdaptiveLimit(limiter, new LaneSizing.Adaptive(2, max), 2,
        () -> clock.addAndGet(AdaptiveLimit.WINDOW_NANOS / 2), cpu::get);
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger maxHolders = new AtomicInteger();
    AtomicLong used = new AtomicLong();
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    Set<Integer> totalsSeen = ConcurrentHashMap.newKeySet();
    AtomicInteger changes = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    Runnable worker = () -> {
      try {
        start.await();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < 400; i++) {
          CompletableFuture<Permit> f = limiter.acquire();
          if (rnd.nextInt(6) == 0 && f.cancel(false)) {
            continue; // left the queue
          }
          Permit p = f.get(20, TimeUnit.SECONDS);
          used.incrementAndGet();
          int h = holders.incrementAndGet();
          maxHolders.accumulateAndGet(h, Math::max);
          if (h > max) {
            violations.add(h + " holders above the adaptive max " + max);
          }
          if (rnd.nextInt(4) == 0) {
            LockSupport.parkNanos(rnd.nextLong(20_000));
          } else {
            Thread.yield();
          }
          holders.decrementAndGet();
          p.close();
          // alternate computing phases (waits for a carrier, CPU time) and waiting ones (neither)
          // so the lane goes in and out of compute mode
          boolean computing = (i / 50) % 2 == 0;
          long total = rnd.nextLong(1, 10 * MS);
          if (computing) {
            cpu.addAndGet(total);
          }
          limit.record(computing ? total * 9 / 10 : 0, total);
        }
      } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
        errors.add(e);
      } catch (java.util.concurrent.CancellationException e) {
        // cancelled after all: nothing held
      } catch (Throwable t) {
        errors.add(t);
      }
    };
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      threads.add(Thread.ofPlatform().name("adaptive-p-" + i).start(worker));
    }
    for (int i = 0; i < 200; i++) {
      threads.add(Thread.ofVirtual().name("adaptive-v-" + i).start(worker));
    }
    AtomicBoolean stop = new AtomicBoolean();
    Thread sampler = Thread.ofPlatform().name("adaptive-sampler").start(() -> {
      int previous = -1;
      while (!stop.get()) {
        LimiterStatistics s = limiter.statistics();
        if (s.totalTokens() < 2 || s.totalTokens() > max) {
          violations.add("total outside 2.." + max + ": " + s);
        }
        if (s.borrowed() > max) {
          violations.add("borrowed above the adaptive max: " + s);
        }
        if (s.totalTokens() != previous) {
          changes.incrementAndGet();
          previous = s.totalTokens();
        }
        totalsSeen.add(s.totalTokens());
        LockSupport.parkNanos(10_000);
      }
    });
    start.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(40));
      assertThat(t.isAlive()).as("worker %s finished", t.getName()).isFalse();
    }
    stop.set(true);
    sampler.join();

    assertThat(violations).isEmpty();
    assertThat(errors).isEmpty();
    assertThat(maxHolders.get()).isBetween(1, max);
    LimiterStatistics end = limiter.statistics();
    assertThat(end.borrowed()).isZero();
    assertThat(end.waiting()).isZero();
    assertThat(end.granted()).as("every grant reached a caller").isEqualTo(used.get());
    assertThat(changes.get()).as("the limit really moved").isGreaterThan(5);
    assertThat(totalsSeen).contains(2, max);
  }

  /**
   * A closed loop of {@code demand} clients on a limiter driven by an {@link AdaptiveLimit} with a
   * fake clock. Each client holds a permit while "running" and re-queues when its task completes.
   */
  private static final class Workload {
    final CapacityLimiter limiter;
    final AtomicLong clock = new AtomicLong();
    final AtomicLong cpu = new AtomicLong(); // the process's CPU time
    final AdaptiveLimit limit;
    final int carriers;
    final Deque<Permit> held = new ArrayDeque<>();
    final Deque<CompletableFuture<Permit>> queued = new ArrayDeque<>(); // FIFO, as the limiter grants

    Workload(LaneSizing sizing, int carriers, int demand) {
      LaneSizing.Adaptive bounds = (LaneSizing.Adaptive) sizing;
      this.limiter = CapacityLimiter.of(bounds.initialCapacity());
      this.limit = new AdaptiveLimit(limiter, bounds, carriers, clock::get, cpu::get);
      this.carriers = carriers;
      setDemand(demand);
    }

    /** Clients in the loop: running plus queued. */
    void setDemand(int demand) {
      collect();
      while (held.size() + queued.size() < demand) {
        queued.add(limiter.acquire());
        collect();
      }
      while (held.size() + queued.size() > demand) {
        if (!queued.isEmpty()) {
          queued.pollLast().cancel(false);
        } else {
          held.poll().close();
        }
        collect();
      }
    }

    /**
     * One window of CPU-bound tasks of {@code service} each: the running tasks share the carriers,
     * so those beyond them wait; each completion frees a permit and its client queues again.
     */
    void cpuBoundWindow(long service) {
      collect(); // a grow at the end of the last window admitted waiters: they run in this one
      int running = held.size();
      int onCpu = Math.min(running, carriers);
      long window = AdaptiveLimit.WINDOW_NANOS;
      int completions = (int) Math.max(1, onCpu * window / service);
      // Little's law: L tasks through C carriers take L x service / C each; on virtual threads the
      // rest is the wait for a carrier, on platform threads (compute mode) the OS time-slices it
      long total = Math.max(service, running * service / Math.max(1, carriers));
      // (those that started on virtual threads before the switch still wait for a carrier)
      long dispatch = limit.computeMode() && running <= carriers ? 0 : total - service;
      for (int i = 0; i < completions; i++) {
        clock.addAndGet(window / completions);
        cpu.addAndGet(onCpu * (window / completions)); // every busy carrier computes
        complete(1);
        limit.record(dispatch, total);
      }
    }

    /** One window of parked tasks: no wait for a carrier, many completions. */
    void ioBoundWindow() {
      int completions = Math.max(1, held.size() / 10);
      for (int i = 0; i < completions; i++) {
        clock.addAndGet(AdaptiveLimit.WINDOW_NANOS / completions);
        complete(1);
        limit.record(20_000, 1_000 * MS);
      }
    }

    /** One sample closing a window in which the process computed for the task's running time. */
    void computing(long dispatch, long total) {
      cpu.addAndGet(total - dispatch);
      sample(dispatch, total, AdaptiveLimit.WINDOW_NANOS);
    }

    /** One sample after {@code advance} nanoseconds, without any completion or CPU time. */
    void sample(long dispatch, long total, long advance) {
      clock.addAndGet(Math.max(advance, AdaptiveLimit.WINDOW_NANOS));
      limit.record(dispatch, total);
    }

    /** {@code n} running tasks end and their clients queue again. */
    void complete(int n) {
      for (int i = 0; i < n && !held.isEmpty(); i++) {
        held.poll().close();
        queued.add(limiter.acquire());
      }
      collect();
    }

    private void collect() {
      while (!queued.isEmpty() && queued.peek().isDone()) {
        CompletableFuture<Permit> f = queued.poll();
        if (!f.isCancelled() && !f.isCompletedExceptionally()) {
          held.add(f.join());
        }
      }
    }
  }

  /**
   * Threads close windows at almost every sample while waiters stay queued, so every decision
   * grows the limit: the total seen must never go down. A decision applied after the lock, as
   * it once was, could land after a later window's larger one and shrink the lane.
   */
  @Test
  @Timeout(60)
  void decisionsLandInTheOrderTheyWereMade() throws Exception {
    List<String> decreases = new ArrayList<>();
    for (int round = 0; round < 200 && decreases.isEmpty(); round++) {
      CapacityLimiter limiter = CapacityLimiter.of(2);
      for (int i = 0; i < 3_000; i++) {
        limiter.acquire(); // never released: queued demand for every window to grow for
      }
      AtomicLong clock = new AtomicLong();
      AdaptiveLimit limit = new AdaptiveLimit(limiter, new LaneSizing.Adaptive(2, 1_000_000), 2,
          () -> clock.addAndGet(AdaptiveLimit.WINDOW_NANOS / 2), () -> 0L);
      AtomicBoolean done = new AtomicBoolean();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> recorders = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        recorders.add(Thread.ofPlatform().start(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            return;
          }
          while (limiter.waiting() > 0) {
            limit.record(0, MS); // no CPU wait: grow while anything waits
          }
        }));
      }
      Thread poller = Thread.ofPlatform().start(() -> {
        int last = 0;
        while (!done.get()) {
          int now = limiter.totalTokens();
          if (now < last) {
            synchronized (decreases) {
              decreases.add(last + " -> " + now);
            }
          }
          last = Math.max(last, now);
        }
      });
      start.countDown();
      for (Thread t : recorders) {
        t.join();
      }
      done.set(true);
      poller.join();
    }
    assertThat(decreases).isEmpty();
  }
}

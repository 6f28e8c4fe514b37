package dev.lanes.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Compute mode's threads: the task a finishing task's token grants runs on the same thread. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ComputeThreadsTest {

  /** Tasks on the pool's threads read their own CPU time; any other thread gets none. */
  @Test
  void onlyThePoolsThreadsMeasureTheirCpuTime() throws Exception {
    ComputeThreads threads = new ComputeThreads("t");
    try {
      CompletableFuture<long[]> read = new CompletableFuture<>();
      threads.execute(() -> {
        long before = threads.cpuTimeOfCurrent();
        long x = 0;
        for (int i = 0; i < 5_000_000; i++) {
          x += Long.hashCode(x * 31 + i);
        }
        read.complete(new long[] {before, threads.cpuTimeOfCurrent(), x});
      });
      long[] cpu = read.get(30, TimeUnit.SECONDS);
      assertThat(cpu[0]).isNotEqualTo(AdaptiveLimit.UNKNOWN);
      assertThat(cpu[1]).isGreaterThan(cpu[0]);
      assertThat(threads.cpuTimeOfCurrent()).isEqualTo(AdaptiveLimit.UNKNOWN);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aThreadThatGivesBackItsTokenRunsTheTaskItGrantsInOrder() throws Exception {
    CapacityLimiter limiter = CapacityLimiter.of(1);
    ComputeThreads threads = new ComputeThreads("t");
    try {
      CountDownLatch allQueued = new CountDownLatch(1);
      List<Integer> order = new CopyOnWriteArrayList<>();
      Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int n = i;
        CompletableFuture<Void> ran = new CompletableFuture<>();
        done.add(ran);
        limiter.acquire().thenAccept(permit -> threads.execute(() -> {
          if (n == 0) {
            awaitQuietly(allQueued); // the other 19 queue behind the one token
          }
          order.add(n);
          ranOn.add(Thread.currentThread());
          threads.giveBack(permit);
          ran.complete(null);
        }));
      }
      assertThat(limiter.waiting()).isEqualTo(19);
      allQueued.countDown();
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
      assertThat(order).containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
      // each grant ran where the token came back: no thread woken, none created, per task
      assertThat(ranOn).hasSize(1);
      assertThat(ranOn.iterator().next().getName()).startsWith("lane-t-platform-");
      assertThat(threads.pool().getLargestPoolSize()).isEqualTo(1);
      assertThat(limiter.borrowed()).isZero();
    } finally {
      threads.shutdownNow();
    }
  }

  /** A grant outside giving a token back (a task starting another and waiting for it) goes to the pool. */
  @Test
  void aTaskWaitingForAnotherTaskOfItsLaneDoesNotKeepItForItself() throws Exception {
    CapacityLimiter limiter = CapacityLimiter.of(2);
    ComputeThreads threads = new ComputeThreads("t");
    try {
      CompletableFuture<Thread> inner = new CompletableFuture<>();
      CompletableFuture<Thread> outer = new CompletableFuture<>();
      limiter.acquire().thenAccept(permit -> threads.execute(() -> {
        limiter.acquire().thenAccept(p -> threads.execute(() -> {
          threads.giveBack(p);
          inner.complete(Thread.currentThread());
        }));
        inner.join(); // would never return if the inner task waited for this thread
        threads.giveBack(permit);
        outer.complete(Thread.currentThread());
      }));
      assertThat(inner.get(20, TimeUnit.SECONDS)).isNotEqualTo(outer.get(20, TimeUnit.SECONDS));
      assertThat(limiter.borrowed()).isZero();
    } finally {
      threads.shutdownNow();
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

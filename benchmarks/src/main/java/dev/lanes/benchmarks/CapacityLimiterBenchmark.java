package dev.lanes.benchmarks;

import dev.lanes.concurrency.CapacityLimiter;
import dev.lanes.concurrency.Permit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of taking and returning a {@link CapacityLimiter} token.
 *
 * <ul>
 *   <li>{@code tryAcquireClose}: uncontended fast path ({@code tryAcquire} + {@code close}).
 *   <li>{@code acquireClose}: uncontended {@code acquire()} future path (a completed future).
 *   <li>{@code acquireQueuedHandoff}: the waiter path: the only token is held, {@code acquire()}
 *       queues a waiter, {@code close} of the holder grants it (FIFO hand-off), then it is closed.
 *   <li>{@code contendedTryAcquireClose} / {@code contendedAcquireClose}: two threads on one
 *       limiter (40 tokens: lock contention only; 1 token: real hand-offs between the threads).
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CapacityLimiterBenchmark} (or
 * {@code benchmarks/jmh.sh}, which runs every benchmark briefly and records the table).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CapacityLimiterBenchmark {

  /** A limiter private to each benchmark thread. */
  @State(Scope.Thread)
  public static class Local {
    CapacityLimiter limiter;

    @Setup
    public void setup() {
      limiter = CapacityLimiter.of(40);
    }
  }

  /** A single-token limiter private to each benchmark thread. */
  @State(Scope.Thread)
  public static class LocalNarrow {
    CapacityLimiter limiter;

    @Setup
    public void setup() {
      limiter = CapacityLimiter.of(1);
    }
  }

  /** One limiter with 40 tokens shared by all benchmark threads. */
  @State(Scope.Benchmark)
  public static class SharedWide {
    CapacityLimiter limiter;

    @Setup
    public void setup() {
      limiter = CapacityLimiter.of(40);
    }
  }

  /** One limiter with a single token shared by all benchmark threads. */
  @State(Scope.Benchmark)
  public static class SharedNarrow {
    CapacityLimiter limiter;

    @Setup
    public void setup() {
      limiter = CapacityLimiter.of(1);
    }
  }

  @Benchmark
  public boolean tryAcquireClose(Local s) {
    Optional<Permit> p = s.limiter.tryAcquire();
    p.ifPresent(Permit::close);
    return p.isPresent();
  }

  @Benchmark
  public Permit acquireClose(Local s) {
    Permit p = s.limiter.acquire().join();
    p.close();
    return p;
  }

  @Benchmark
  public Permit acquireQueuedHandoff(LocalNarrow s) {
    Permit holder = s.limiter.acquire().join();
    CompletableFuture<Permit> waiter = s.limiter.acquire(); // no token free: queued
    holder.close(); // grants the queued waiter
    Permit granted = waiter.join();
    granted.close();
    return granted;
  }

  @Benchmark
  @Threads(2)
  public boolean contendedTryAcquireClose(SharedWide s) {
    Optional<Permit> p = s.limiter.tryAcquire();
    p.ifPresent(Permit::close);
    return p.isPresent();
  }

  @Benchmark
  @Threads(2)
  public Permit contendedAcquireClose(SharedNarrow s) {
    Permit p = s.limiter.acquire().join();
    p.close();
    return p;
  }
}

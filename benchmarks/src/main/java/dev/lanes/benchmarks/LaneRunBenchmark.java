package dev.lanes.benchmarks;

import dev.lanes.concurrency.Lane;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The round trip of {@link Lane#run}: take a token, hand a trivial task to the lane's executor
 * (a new virtual thread per task, or a platform pool), complete the future, give the token back,
 * and wake the caller blocked in {@code join()}. This is the fixed overhead a blocking handler pays
 * on top of its own work.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar LaneRunBenchmark} (or
 * {@code benchmarks/jmh.sh}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LaneRunBenchmark {

  @Param({"virtual", "platform"})
  public String executor;

  private Lane lane;

  @Setup(Level.Trial)
  public void setup() {
    Lane.Builder b = Lane.builder("bench").capacity(40);
    lane = (executor.equals("platform") ? b.platformThreads() : b.virtualThreads()).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    lane.close();
  }

  @Benchmark
  public Integer runRoundTrip() {
    return lane.run(() -> 42).join();
  }
}

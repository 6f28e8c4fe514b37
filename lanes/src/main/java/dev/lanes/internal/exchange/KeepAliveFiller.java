package dev.lanes.internal.exchange;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Sends a produced body's keep-alive filler (an SSE comment) once the producer has been quiet for
 * the interval, the same for every protocol; the protocol says whether a filler may go now and how
 * it is written. Each check is scheduled for when the interval since the last write runs out, not
 * on a fixed grid: a busy body gets no filler, and a quiet one gets its first one interval after
 * its last write (a fixed-rate check could leave it silent for almost two intervals, long enough
 * for a proxy's idle timeout set to twice the interval).
 *
 * <pre>{@code KeepAliveFiller.start(loop, out, every, () -> headQueued.get(), () -> loop.execute(write), body);}</pre>
 */
public final class KeepAliveFiller {
  private final EventExecutor loop;
  private final BodyOutput out;
  private final long every;
  private final BooleanSupplier mayFill;
  private final Runnable fill;
  private final CompletableFuture<?> body;
  private volatile ScheduledFuture<?> next;

  private KeepAliveFiller(EventExecutor loop, BodyOutput out, long every, BooleanSupplier mayFill,
      Runnable fill, CompletableFuture<?> body) {
    this.loop = loop;
    this.out = out;
    this.every = every;
    this.mayFill = mayFill;
    this.fill = fill;
    this.body = body;
  }

  /**
   * Checks on {@code loop} until {@code body} completes; when {@code out} has been quiet for
   * {@code every} and {@code mayFill} says so, touches {@code out} and runs {@code fill}.
   */
  public static void start(EventExecutor loop, BodyOutput out, Duration every, BooleanSupplier mayFill,
      Runnable fill, CompletableFuture<?> body) {
    KeepAliveFiller filler = new KeepAliveFiller(loop, out, every.toNanos(), mayFill, fill, body);
    filler.checkIn(filler.every);
    body.whenComplete((v, e) -> {
      ScheduledFuture<?> pending = filler.next;
      if (pending != null) {
        pending.cancel(false);
      }
    });
  }

  private void checkIn(long nanos) {
    next = loop.schedule(this::check, nanos, TimeUnit.NANOSECONDS);
  }

  private void check() {
    if (body.isDone()) {
      return; // a check rescheduled as the body ended stops here
    }
    long quiet = out.quietFor();
    if (quiet < every) {
      checkIn(every - quiet); // written since: wait out the rest of the interval from that write
      return;
    }
    if (mayFill.getAsBoolean()) {
      out.touch();
      fill.run();
    }
    checkIn(every);
  }
}

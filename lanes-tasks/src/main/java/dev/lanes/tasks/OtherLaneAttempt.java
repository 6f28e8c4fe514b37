package dev.lanes.tasks;

import dev.lanes.concurrency.Lane;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A blocking handler run in the lane its type names, awaited by the worker-lane thread of its
 * attempt. When a draining worker interrupts that thread, the handler is interrupted too and
 * awaited until it has ended: the attempt hands its task back only then, as an attempt in the
 * worker lane does, rather than at once while a handler that ignores interrupts (a socket read)
 * goes on beside another worker's run of the same task; a handler that returns all the same
 * succeeded, as one in the worker lane does.
 */
final class OtherLaneAttempt {
  private static final int WAITING = 0;
  private static final int RUNNING = 1;
  private static final int ENDED = 2;
  private static final int DROPPED = 3;
  private static final Object NOTHING = new Object(); // the handler has not returned

  private OtherLaneAttempt() {}

  /** Runs {@code handler} in {@code lane} and returns its result, or throws what it threw. */
  static Object run(Lane lane, Callable<?> handler) throws Exception {
    AtomicInteger state = new AtomicInteger(WAITING);
    CountDownLatch ended = new CountDownLatch(1);
    AtomicReference<Object> returned = new AtomicReference<>(NOTHING);
    CompletableFuture<?> run = lane.run(() -> {
      if (!state.compareAndSet(WAITING, RUNNING)) {
        return null; // given up before it started
      }
      try {
        Object result = handler.call();
        returned.set(result);
        return result;
      } finally {
        state.set(ENDED);
        ended.countDown();
      }
    });
    try {
      return run.get();
    } catch (InterruptedException e) {
      run.cancel(true); // interrupts the handler's thread, or takes it off the lane's queue
      if (!state.compareAndSet(WAITING, DROPPED)) {
        awaitUninterruptibly(ended);
      }
      Object result = returned.get();
      if (result != NOTHING) {
        return result; // it returned all the same: done, as in the worker lane, not handed back to run again
      }
      throw e;
    } catch (ExecutionException e) {
      // The handler's own failure, an Error too (an assertion), as a handler in the worker lane throws it.
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    while (true) {
      try {
        latch.await();
        return;
      } catch (InterruptedException again) {
        // the attempt is ending for the interrupt already; its handler has not
      }
    }
  }
}

package dev.lanes.concurrency;

import java.time.Duration;

/**
 * Receives what a {@link Lane} does with its tasks: each wait for a token and how it ended, each
 * run and how it ended. The app's {@code LanesListener} extends this with request, background and
 * server events; a lane built on its own may take a plain {@code LaneListener}.
 *
 * <pre>{@code
 * Lane db = Lane.builder("db").listener(new LaneListener() {
 *   public void laneRejected(String lane, LaneRejectedException.Reason reason) { rejections.increment(); }
 * }).build();
 * }</pre>
 *
 * <p>Pairs, for one task: {@code laneWaitStart ─ (laneAcquired ─ laneTaskStart ─ laneTaskEnd |
 * laneRejected | laneWaitCancelled)}. A task cancelled between its grant and its start still gets
 * {@code laneTaskStart ─ laneTaskEnd(CANCELLED)}; one granted its token just as the lane closes
 * gets {@code laneAcquired ─ laneRejected(CLOSED)}, one a user's executor refuses
 * ({@code RejectedExecutionException}) {@code laneAcquired ─ laneRejected(QUEUE_FULL)}, and one
 * the executor fails to start otherwise {@code laneAcquired ─ laneTaskStart ─ laneTaskEnd(FAILED)}.
 *
 * <p>Rules: callbacks run inline on the thread that did the work (the caller or the thread that
 * granted the token for wait events, the lane thread for task events), possibly concurrently, so
 * an implementation must be thread-safe, fast, never block and never throw. Every method has a
 * no-op default; {@link #NONE} turns events off, and a lane given it skips the calls altogether.
 */
public interface LaneListener {
  /** Does nothing; a lane given this listener makes no calls at all. */
  LaneListener NONE = new LaneListener() {};

  /** A task asked {@code lane} for a token. */
  default void laneWaitStart(String lane) {}

  /** A task got a token of {@code lane} after waiting {@code queueWait}. */
  default void laneAcquired(String lane, Duration queueWait) {}

  /** A task gave up waiting for a token of {@code lane} (it was cancelled; its client left). */
  default void laneWaitCancelled(String lane) {}

  /** A task was refused a token of {@code lane} (queue full, waited too long, or lane closed). */
  default void laneRejected(String lane, LaneRejectedException.Reason reason) {}

  /** A task of {@code lane} started running on a lane thread. */
  default void laneTaskStart(String lane) {}

  /** A task of {@code lane} ended; {@code duration} is its running time, not its queue wait. */
  default void laneTaskEnd(String lane, TaskOutcome outcome, Duration duration) {}
}

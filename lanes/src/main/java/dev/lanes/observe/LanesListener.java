package dev.lanes.observe;

import dev.lanes.background.BackgroundListener;
import dev.lanes.concurrency.LaneListener;
import java.time.Duration;

/**
 * Receives what the server, its lanes and background tasks do, as OkHttp's {@code EventListener}:
 * every start has its end. Register one with {@code App.Builder.listener(...)}; several may be
 * registered and each sees every event.
 *
 * <p>Pairs, in the order they happen for one request:
 * <pre>
 * requestStart ─ [laneWaitStart ─ (laneAcquired ─ laneTaskStart ─ laneTaskEnd | laneRejected
 *     | laneWaitCancelled)]
 *   ─ requestEnd ─ responseBodyEnd ─ [backgroundTaskStart ─ backgroundTaskEnd]*
 * </pre>
 * plus {@link #lifespan} around the server's life, {@link #tlsHandshakeFailed} for each refused
 * TLS connection, the stored tasks' events ({@link #taskEnqueued} and after), and the watchdog's reports
 * ({@link #eventLoopBlocked}, {@link #virtualThreadPinned}, {@link #eventLoopLatency}). The lane
 * events come from {@link LaneListener}, which every lane reports to.
 *
 * <p><b>Rules.</b>
 * <ul>
 *   <li>Callbacks are called inline, on whatever thread did the work: the event loop for request
 *       and response events, a lane thread for task events, the watchdog thread for its reports.
 *       They may run concurrently, so an implementation must be thread-safe.</li>
 *   <li>They must be fast and must never block: a callback on the event loop delays every
 *       connection of that loop. Count, record into a histogram, or hand off; never do I/O.</li>
 *   <li>They must never throw. The caller catches anything thrown, logs it once per listener
 *       (later failures are dropped silently), and carries on as if the callback had returned.</li>
 *   <li>Every method has a no-op default, so a listener overrides only what it needs; with no
 *       listener registered the server skips the calls altogether.</li>
 * </ul>
 *
 * <p>Names: {@code route} is the route's template ({@code GET /items/{id}}), never the raw path,
 * in request and background task events alike, or {@value #UNMATCHED} when no route matched;
 * {@code lane} is the lane's name.
 */
public interface LanesListener extends LaneListener, BackgroundListener {
  /**
   * The route name reported for requests no route answered: 404, 405, malformed, refused before
   * routing (a server at its concurrency limit), or answered by middleware without a route.
   */
  String UNMATCHED = "unmatched";

  /** Does nothing; what an app has when no listener is registered. */
  LanesListener NONE = new LanesListener() {};

  /** A request was read and is about to be routed. */
  default void requestStart(String method, String path) {}

  /**
   * The response head for a request was written.
   *
   * @param route the matched route's name, or {@value #UNMATCHED}
   * @param status the status sent
   * @param duration from {@link #requestStart} to now
   */
  default void requestEnd(String route, String method, int status, Duration duration) {}

  /**
   * The response's body ended (at once for in-memory bodies; when the producer finished for
   * streamed ones).
   *
   * @param completed false when the body stopped early (client gone, producer failed)
   * @param duration from {@link #requestStart} to now
   */
  default void responseBodyEnd(String route, String method, boolean completed, Duration duration) {}

  /**
   * A TLS handshake on the server's TLS listener failed, for {@code reason}; called once per
   * connection, on its event loop.
   */
  default void tlsHandshakeFailed(TlsHandshakeFailure reason) {}

  /** The server moved to another phase of its life. */
  default void lifespan(LifespanPhase phase) {}

  /** An event-loop thread ran one piece of work for too long; reported once per incident. */
  default void eventLoopBlocked(BlockedLoop report) {}

  /** A virtual thread was pinned to its carrier while blocking (reported from JFR). */
  default void virtualThreadPinned(PinnedThread report) {}

  /**
   * How long a task posted to the loop {@code loop} waited before it ran (sampled once per
   * blocked-loop threshold on loops with connections or work; an idle loop with neither is not
   * woken to sample it).
   */
  default void eventLoopLatency(String loop, Duration delay) {}

  /**
   * A stored task (module {@code lanes-tasks}, started with this app) was enqueued in this
   * process; it is due after {@code delay}. The task events come from whatever thread enqueued
   * or ran the attempt; {@code type} is the task type's name.
   */
  default void taskEnqueued(String type, String id, Duration delay) {}

  /**
   * An attempt of a stored task started on this process's workers, {@code late} after it was due.
   *
   * @param redelivered the previous attempt never finished: its worker died
   */
  default void taskStarted(String type, String id, int attempt, Duration late, boolean redelivered) {}

  /** An attempt of a stored task returned after {@code took}. */
  default void taskSucceeded(String type, String id, Duration took) {}

  /** An attempt of a stored task failed; its retry policy tries again after {@code backoff}. */
  default void taskRetried(String type, String id, int attempt, Duration backoff, Throwable error) {}

  /** The last attempt a stored task's retry policy allows failed. */
  default void taskFailed(String type, String id, int attempt, Throwable error) {}
}

package dev.lanes.background;

/**
 * Counts of background tasks since the app started; each ended task is in exactly one of
 * completed, failed and cancelled, as {@code BackgroundListener.backgroundTaskEnd} reports its
 * outcome.
 *
 * <pre>{@code BackgroundStatistics s = app.background().statistics(); log.info("failed: {}", s.failed()); }</pre>
 *
 * @param started tasks begun
 * @param completed tasks that finished normally
 * @param failed tasks that threw (each was logged with its route and name)
 * @param cancelled tasks whose lane task or future was cancelled (outcome {@code CANCELLED})
 * @param pending tasks queued or running now
 */
public record BackgroundStatistics(long started, long completed, long failed, long cancelled, int pending) {

  /** Counts without cancellations (none cancelled). */
  public BackgroundStatistics(long started, long completed, long failed, int pending) {
    this(started, completed, failed, 0, pending);
  }
}

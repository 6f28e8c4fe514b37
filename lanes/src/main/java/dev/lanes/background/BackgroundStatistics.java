package dev.lanes.background;

/**
 * Counts of background tasks since the app started.
 *
 * @param started tasks begun
 * @param completed tasks that finished normally
 * @param failed tasks that threw (each was logged with its route and name)
 * @param pending tasks queued or running now
 */
public record BackgroundStatistics(long started, long completed, long failed, int pending) {}

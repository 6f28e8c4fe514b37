package dev.lanes.tasks;

import java.time.Duration;

/**
 * Receives what happens to tasks in this process: enqueued here, or attempted by this process's
 * workers. Called inline on the enqueueing or worker thread: be fast, thread-safe, never block or
 * throw (a throw is logged and ignored). Every method has a no-op default.
 *
 * <pre>{@code Tasks.builder().listener(new TaskListener() { public void succeeded(String n, String id, Duration took) { done.increment(); } })}</pre>
 */
public interface TaskListener {
  /** Does nothing. */
  TaskListener NONE = new TaskListener() {};

  /** A task was stored; it is due after {@code delay}. */
  default void enqueued(String name, String id, Duration delay) {}

  /**
   * An attempt started, {@code late} after the task was due (pickup latency).
   *
   * @param redelivered the previous attempt was never finished: its worker died, or the store failed recording its end
   */
  default void started(String name, String id, int attempt, Duration late, boolean redelivered) {}

  /** An attempt returned after {@code took}. */
  default void succeeded(String name, String id, Duration took) {}

  /** An attempt failed and the retry policy tries again after {@code backoff}. */
  default void retried(String name, String id, int attempt, Duration backoff, Throwable error) {}

  /** The last attempt the policy allows failed. */
  default void failed(String name, String id, int attempt, Throwable error) {}

  /**
   * This process's worker deleted {@code count} ended tasks (of any type) whose retention had
   * passed ({@link Tasks.Builder#expireEndedAfter}); their ids are unknown from now on. Called on
   * the worker's expiry thread ({@code lanes-tasks-expiry}), once per sweep that deleted any.
   */
  default void expired(long count) {}
}

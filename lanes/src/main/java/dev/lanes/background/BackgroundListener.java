package dev.lanes.background;

import dev.lanes.concurrency.TaskOutcome;
import java.time.Duration;

/**
 * Hears the background tasks of sent responses start and end, each start paired with one end.
 * {@code dev.lanes.observe.LanesListener} extends it; the runner needs nothing more.
 *
 * <pre>{@code BackgroundListener log = new BackgroundListener() {
 *   public void backgroundTaskEnd(String name, String where, TaskOutcome o, Duration d) { ... } }; }</pre>
 */
public interface BackgroundListener {
  /** Hears nothing. */
  BackgroundListener NONE = new BackgroundListener() {};

  /**
   * A background task started after a response was sent; {@code where} is that request's method
   * and path ({@code GET /signup}), as in the runner's logs.
   */
  default void backgroundTaskStart(String name, String where) {}

  /** A background task ended. */
  default void backgroundTaskEnd(String name, String where, TaskOutcome outcome, Duration duration) {}
}

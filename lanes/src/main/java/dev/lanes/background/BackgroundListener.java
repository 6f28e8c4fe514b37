package dev.lanes.background;

import dev.lanes.concurrency.TaskOutcome;
import java.time.Duration;

/**
 * Hears the background tasks of sent responses start and end, each start paired with one end.
 * {@code dev.lanes.observe.LanesListener} extends it; the runner needs nothing more.
 *
 * <pre>{@code BackgroundListener log = new BackgroundListener() {
 *   public void backgroundTaskEnd(String name, String route, TaskOutcome o, Duration d) { ... } }; }</pre>
 */
public interface BackgroundListener {
  /** Hears nothing. */
  BackgroundListener NONE = new BackgroundListener() {};

  /**
   * A background task started after a response was sent; {@code route} is the template of the
   * route that sent it ({@code GET /items/{id}}), or {@code unmatched}: a bounded set of names to
   * tag metrics by. The runner's failure logs name the request itself ({@code GET /items/1}).
   */
  default void backgroundTaskStart(String name, String route) {}

  /** A background task ended; {@code route} as in {@link #backgroundTaskStart}. */
  default void backgroundTaskEnd(String name, String route, TaskOutcome outcome, Duration duration) {}
}

package dev.lanes.observe;

import java.time.Duration;

/**
 * What an app reports about itself: its listeners (behind one {@link LanesListener}) and its
 * blocked-loop watchdog. Built with the app; the server drives it.
 *
 * <pre>{@code long stalls = app.observability().blockedLoopIncidents(); }</pre>
 */
public interface Observability {
  /** The default blocked-loop threshold, as asyncio's debug mode ({@code slow_callback_duration}). */
  Duration DEFAULT_BLOCKED_THRESHOLD = Duration.ofMillis(100);

  /** Every registered listener behind one, or {@link LanesListener#NONE}. */
  LanesListener listener();

  /** The blocked-loop threshold; zero when the watchdog is off. */
  Duration blockedThreshold();

  /**
   * Blocked-loop incidents reported so far by this app's watchdog: every server that ran the app
   * adds to it, and it keeps its count after the server stops.
   */
  long blockedLoopIncidents();
}

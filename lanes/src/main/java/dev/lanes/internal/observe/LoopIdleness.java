package dev.lanes.internal.observe;

/**
 * Internal, not for users: whether an event loop is idle in a way nothing can block, so the
 * blocked-loop watchdog may leave it asleep rather than wake it with a heartbeat, and may itself
 * sleep while every loop is.
 */
public interface LoopIdleness {

  /**
   * True while the loop waits for I/O (or handles only its own wake-ups) with no channel
   * registered: no handler can run on it until a task or a connection arrives, and either ends the
   * wait first. Read by the watchdog thread; a volatile read, ordered after {@link WatchdogSleep#begin}.
   */
  boolean idleWithoutChannels();

  /**
   * Has the loop call {@code sleep.wake()} whenever it stops being idle ({@code null}: no one to
   * wake). The loop must make that change visible with a volatile store before it reads the sleep.
   */
  void watchedBy(WatchdogSleep sleep);
}

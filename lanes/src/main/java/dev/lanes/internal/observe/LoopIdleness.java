package dev.lanes.internal.observe;

/**
 * Internal, not for users: whether an event loop is idle in a way nothing can block, so the
 * blocked-loop watchdog may leave it asleep rather than wake it with a heartbeat.
 */
public interface LoopIdleness {

  /**
   * True while the loop waits for I/O (or handles only its own wake-ups) with no channel
   * registered: no handler can run on it until a task or a connection arrives, and either ends the
   * wait first. Read by the watchdog thread.
   */
  boolean idleWithoutChannels();
}

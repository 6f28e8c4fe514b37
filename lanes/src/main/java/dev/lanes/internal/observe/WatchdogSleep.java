package dev.lanes.internal.observe;

import java.util.concurrent.locks.LockSupport;

/**
 * Internal, not for users: the blocked-loop watchdog's sleep while every loop it watches is idle
 * without channels. A loop that leaves that state ends the sleep ({@link #wake}), so the watchdog
 * checks it again from then on instead of waking once per threshold to find nothing to do.
 *
 * <pre>{@code loopIdleness.watchedBy(sleep);   // the watchdog, as it starts; the loop calls sleep.wake() }</pre>
 */
public final class WatchdogSleep {
  private final Thread watchdog;
  private volatile boolean asleep;

  WatchdogSleep(Thread watchdog) {
    this.watchdog = watchdog;
  }

  /** Marks the watchdog asleep; it then re-reads every loop before it parks (a volatile store, then loads). */
  void begin() {
    asleep = true;
  }

  /** Ends the sleep from the watchdog's side. */
  void end() {
    asleep = false;
  }

  boolean asleep() {
    return asleep;
  }

  /**
   * Called by a loop leaving idleness, after a volatile store saying so: if the watchdog is asleep,
   * wakes it. A volatile load, and an unpark only when it sleeps.
   */
  public void wake() {
    if (asleep) {
      asleep = false;
      LockSupport.unpark(watchdog);
    }
  }
}

package dev.lanes.concurrency;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One borrowed token of a {@link CapacityLimiter}. Closing it gives the token back; closing it
 * again does nothing, so a permit can never be returned twice.
 *
 * <pre>{@code try (Permit p = limiter.acquire(timeout)) { work(); } }</pre>
 */
public final class Permit implements AutoCloseable {
  private final CapacityLimiter limiter;
  private final AtomicBoolean released = new AtomicBoolean();

  Permit(CapacityLimiter limiter) {
    this.limiter = limiter;
  }

  /** Whether this permit still holds its token. */
  public boolean isHeld() {
    return !released.get();
  }

  @Override
  public void close() {
    if (released.compareAndSet(false, true)) {
      limiter.release();
    }
  }
}

package dev.lanes.concurrency;

/**
 * Work was refused by admission control instead of waiting without bound. The HTTP layer turns
 * it into {@code 503 Service Unavailable} with {@code Retry-After}.
 */
public final class LaneRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the work was refused. */
  public enum Reason {
    /** The lane's wait queue was full. */
    QUEUE_FULL,
    /** The work waited longer than the lane's maximum queue wait. */
    WAIT_TIMEOUT,
    /** The lane is shut down. */
    CLOSED,
    /** The server-wide in-flight limit was reached. */
    SERVER_BUSY
  }

  private final Reason reason;

  public LaneRejectedException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}

package dev.lanes.concurrency;

/** How a lane task or background task ended. */
public enum TaskOutcome {
  /** Returned normally. */
  COMPLETED,
  /** Threw. */
  FAILED,
  /** Was cancelled (its client left, or the server shut down). */
  CANCELLED;

  /** The lower-case tag value used in metrics ({@code completed}, ...). */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

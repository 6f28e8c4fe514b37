package dev.lanes.internal.exchange;

/**
 * A produced body whose producer never ran (its lane refused it, or it was cancelled while
 * queued): nothing of the response has been sent, so an error response still fits.
 */
public final class BodyNotStarted extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BodyNotStarted(Throwable cause) {
    super(cause.getMessage(), cause, false, false);
  }
}

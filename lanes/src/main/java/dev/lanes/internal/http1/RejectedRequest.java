package dev.lanes.internal.http1;

/**
 * Why a request head was refused before it reached the application: the status to answer with
 * and a short reason for the client. The connection is always closed after it, because after a
 * framing or syntax error nothing that follows on the same connection can be trusted.
 *
 * <p>It travels as the failure cause of Netty's {@code DecoderResult}, so it reaches the
 * dispatcher in order with the requests pipelined before it.
 */
final class RejectedRequest extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  RejectedRequest(int status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}

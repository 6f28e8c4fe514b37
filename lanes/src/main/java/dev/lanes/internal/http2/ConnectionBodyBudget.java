package dev.lanes.internal.http2;

/**
 * The request body bytes one HTTP/2 connection holds at most, enforced as its receive window: a
 * byte goes back to the window only once the server is done with it (a streamed body's byte once
 * its handler read it, a body read whole once its stream has closed), and a client that sends
 * past the window is a connection error (FLOW_CONTROL_ERROR, Netty's local flow controller).
 *
 * <p>A body read whole must all arrive before its handler runs, so it needs a window as large as
 * itself, which would let a client spread the connection's window over many bodies, none of them
 * complete: every stream would wait for bytes that can never come. So each stream may fill only
 * its own initial window freely ({@code streamWindowSize}, at most {@code maxConcurrentStreams}
 * of them), and a body read whole that may be larger is <em>granted</em> a window as large as it
 * may be (its {@code content-length}, else {@code maxBodySize} and the one byte past it that
 * shows it too large, and room for padding) only while that fits beside what
 * the other streams may hold. The budget is {@code maxConcurrentStreams × streamWindowSize +
 * maxBodySize} (at most 2^31-1, the largest window): one body of the largest size always fits, so
 * the connection never stops for good, and a handler that does not finish holds back only the
 * bodies that would not fit beside it. Bytes done with go back to the window once half a stream
 * window of them is due ({@link #windowUpdateRatio}), not once half the budget is (Netty's
 * default): that much held back would leave a granted body short of the window it was promised.
 */
final class ConnectionBodyBudget {
  private final int window;
  private final int streamWindow;
  private final long streamCredits; // what the streams may hold without a grant
  private long granted; // the grants of the bodies not yet done with

  ConnectionBodyBudget(int maxConcurrentStreams, int streamWindowSize, int maxBodySize) {
    streamWindow = streamWindowSize;
    streamCredits = (long) maxConcurrentStreams * streamWindowSize;
    window = (int) Math.min(Integer.MAX_VALUE, streamCredits + maxBodySize);
  }

  /** The connection's receive window, in bytes. */
  int window() {
    return window;
  }

  /**
   * The connection's window update ratio: a WINDOW_UPDATE once half a stream window is due. A
   * granted body leaves at least one stream window of the budget unused (it counts its claim in
   * place of its own window), which covers what is held back.
   */
  float windowUpdateRatio() {
    return (float) (1 - streamWindow / 2.0 / window);
  }

  /**
   * Whether a body of up to {@code bytes} may be granted its window now: it fits beside the grants
   * and the streams' own windows, or nothing else is granted (where 2^31-1 cut the budget short,
   * that one still goes ahead, as it would have in a budget that held it).
   */
  boolean fits(long bytes) {
    return granted == 0 || granted + bytes + streamCredits <= window;
  }

  void grant(long bytes) {
    granted += bytes;
  }

  void release(long bytes) {
    granted -= bytes;
  }
}

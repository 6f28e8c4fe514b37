package dev.lanes.websocket;

/**
 * The close codes of RFC 6455 section 7.4.1 that Lanes sends or reports.
 *
 * <pre>{@code ws.close(CloseCodes.POLICY_VIOLATION, "not allowed"); }</pre>
 */
public final class CloseCodes {
  /** The session ended as it should (a blocking handler returned). */
  public static final int NORMAL = 1000;
  /** The server is shutting down. */
  public static final int GOING_AWAY = 1001;
  /** The peer broke the protocol (bad frame, unmasked frame, bad close code). */
  public static final int PROTOCOL_ERROR = 1002;
  /** A text message was not valid UTF-8. */
  public static final int INVALID_PAYLOAD = 1007;
  /** Refused by policy; Lanes sends it to a broadcast subscriber that fell too far behind. */
  public static final int POLICY_VIOLATION = 1008;
  /** A message or frame larger than the route's limits. */
  public static final int MESSAGE_TOO_BIG = 1009;
  /** The handler failed. */
  public static final int INTERNAL_ERROR = 1011;
  /** Reported, never sent: the connection ended without a close frame (peer gone, dead, too slow). */
  public static final int ABNORMAL = 1006;

  private CloseCodes() {}
}

package dev.lanes.websocket;

import java.io.IOException;

/**
 * The WebSocket is closed: the peer sent a close frame, the connection dropped ({@link
 * CloseCodes#ABNORMAL}), the peer stopped answering pings, or the server closed it. Thrown by
 * {@link WebSocket#receive()} and the blocking sends once the session has ended.
 *
 * <pre>{@code
 * try { while (true) ws.send(ws.receive()); }
 * catch (WebSocketClosedException e) { log("closed " + e.code()); }
 * }</pre>
 */
public final class WebSocketClosedException extends IOException {
  private static final long serialVersionUID = 1L;
  private final int code;
  private final String reason;

  public WebSocketClosedException(int code, String reason) {
    super("WebSocket closed: " + code + (reason.isEmpty() ? "" : " " + reason));
    this.code = code;
    this.reason = reason;
  }

  /** The close code (see {@link CloseCodes}); {@link CloseCodes#ABNORMAL} if no close frame came. */
  public int code() {
    return code;
  }

  /** The close reason; empty if none. */
  public String reason() {
    return reason;
  }
}

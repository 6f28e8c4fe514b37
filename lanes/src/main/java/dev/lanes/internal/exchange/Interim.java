package dev.lanes.internal.exchange;

import dev.lanes.http.Response;

/**
 * Internal, not for users: a response with an informational (1xx) status, which cannot end a
 * request. Sent as it is, it would leave the client waiting for a final response for good and
 * the connection's bookkeeping one response behind, so it is refused: logged, and a 500 goes out
 * instead. The exchange refuses every 1xx before it writes, but a 101 its codec switches protocols
 * on ({@link ExchangeCodec#switchesProtocols}), so the status it reports is the status sent.
 *
 * <pre>{@code if (Interim.cannotEnd(response, upgrading)) response = Interim.refused(response, "GET /ws"); }</pre>
 */
public final class Interim {
  private static final System.Logger LOG = System.getLogger(Interim.class.getName());
  private static final Response REFUSED = Response.text(500, "Internal Server Error");

  private Interim() {}

  /** Whether {@code response} cannot end a request here: 1xx, 101 only if {@code upgrading} is false. */
  public static boolean cannotEnd(Response response, boolean upgrading) {
    int status = response.status();
    return status < 200 && !(status == 101 && upgrading);
  }

  /** The 500 that goes out in place of {@code response}, logged with {@code where} (e.g. {@code GET /x}). */
  public static Response refused(Response response, String where) {
    LOG.log(System.Logger.Level.ERROR, "the handler of " + where + " answered " + response.status()
        + ", an interim status" + (response.status() == 101 ? " with no protocol upgrade to switch to" : "")
        + ": a request needs a final status (2xx-5xx); sent 500 instead");
    return REFUSED;
  }
}

package dev.lanes.internal.exchange;

import dev.lanes.http.Response;
import java.util.concurrent.CompletableFuture;

/**
 * The protocol side of one exchange: how its response goes out on HTTP/1.1 (a connection's next
 * response) or HTTP/2 (one stream). The {@link Exchange} decides what to send and when;
 * the codec decides how, including whether the connection survives it. Called on the
 * connection's event loop only.
 */
public interface ExchangeCodec {
  /** What {@link #write} returns when the whole response is already queued on the loop. */
  CompletableFuture<Void> QUEUED = CompletableFuture.completedFuture(null);

  /**
   * Whether writing {@code response} now would switch the connection to another protocol: a 101
   * answering an upgrade the request offered and the app accepted, before anything was written.
   * The exchange refuses any other 1xx before {@link #write}, so the status it reports is the one
   * sent.
   */
  boolean switchesProtocols(Response response);

  /**
   * Writes {@code response} as it is: a 1xx only if {@link #switchesProtocols} said so. An
   * in-memory body is queued at once and {@link #QUEUED} is returned,
   * and so is a file body where the protocol can queue it whole (HTTP/1.1's {@code FileRegion});
   * a produced body, or a file read in chunks (HTTP/2), returns a future that completes when its producer is done (fails
   * with {@link BodyNotStarted} if the producer never ran), and cancelling it stops the producer.
   * Called a second time only after {@link BodyNotStarted}, to send an error response instead.
   * A file body comes with its file open ({@code FileRange.channel()} present), and the codec
   * sends from that channel.
   *
   * @param afterSent run on the loop once the last byte has been written (or failed to), or null
   * @param now {@link System#nanoTime} as the exchange responds: a head written at once is dated
   *     from it ({@code DateHeader.at}), so the date and the request's duration share one clock read
   */
  CompletableFuture<Void> write(Response response, Runnable afterSent, long now);

  /**
   * The status the client got for a head written with {@code status}: the same, unless the codec
   * had to send another head in its place when it wrote it (HTTP/2: a head too large for the
   * client goes out as a 500). Asked once the head was written, so listeners report what was sent.
   */
  default int sentStatus(int status) {
    return status;
  }

  /** The response cannot be finished (its body failed midway): end it the protocol's way. */
  void abort(Throwable cause);

  /** The exchange is over for the protocol: the next one may be served (or the connection closed). */
  void ended();
}

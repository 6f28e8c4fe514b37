package dev.lanes.internal.http1;

import dev.lanes.internal.server.Admission;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The read-side timeouts of one connection, so a client can hold it only while it makes progress:
 * <ul>
 *   <li><b>request head</b>: from the first byte of a request (or from accept, for the first one)
 *       until its head is complete. A fixed deadline, not reset by each byte, so slowloris's
 *       one-byte-at-a-time trickle does not extend it.</li>
 *   <li><b>body read</b>: the longest silence while a body is arriving (reset by each read);
 *       past the first such period the body must also average {@code minRequestBodyRate}.</li>
 *   <li><b>keep-alive</b>: how long a connection with nothing in flight waits for the next
 *       request to start.</li>
 *   <li><b>send</b>: once response bytes wait in Netty's buffer (the socket took no more: the
 *       channel turned unwritable, or the keep-alive period found the last response not yet
 *       taken, or a timer's 408 was queued), how long they may wait without the client taking any. A watch, armed only then,
 *       looks once per period whether the buffer's head moved (Netty's {@code IdleStateHandler}
 *       measures output progress the same way).</li>
 * </ul>
 * No timer runs while a handler is working on a request: per-route deadlines bound that. Nor
 * does a request's head or body timer run while it waits for its turn behind earlier responses
 * still owed (pipelining, RFC 9112 9.3.2): the server is the slow side then, and a timer that
 * fired would close the connection under those responses. Its timers start once the last of
 * them is written, and so does a {@code 100 Continue} held back until then
 * ({@link #continueHeldBack}). When the server drains, an idle connection is closed at once.
 *
 * <p>It needs to see raw bytes (a head has begun) and decoded messages (a head or body has
 * ended, a response was written), so it is one state object fed by the {@link RequestDecoder}
 * (bytes before it decodes them, each message it decoded) and the {@link ResponseEncoder}. Everything runs
 * on the connection's event loop; one scheduled check is moved only when a deadline comes closer.
 */
final class ConnectionTimeouts {
  private enum Reading { IDLE, HEAD, BODY }

  private final long headNanos;
  private final long bodyNanos;
  private final long keepAliveNanos;
  private final long minBodyRate; // bytes per second, 0 = none
  private final Admission state;
  private ChannelHandlerContext ctx;
  private Reading reading = Reading.IDLE;
  private boolean firstRequest = true;
  private int unanswered; // requests fully read whose response is not yet written
  private long headStarted;
  private long lastRead;
  private boolean inReadBurst; // from a read to the end of its burst, lastRead stands for now
  private boolean arriving; // counted in Admission as a request whose body is still arriving
  private boolean stopped; // the connection closed or left HTTP/1.1
  private boolean continueOwed; // the body being read waits for a 100 Continue held back behind earlier responses
  private boolean lastResponseCloses; // the response being written ends the connection (while continueOwed)
  private boolean bodyPaused; // a streamed body is not read while its handler catches up
  private boolean answeredEarly; // the request being read (a streamed body) was answered before its end
  private long bodyStarted;
  private long bodyBytes;
  private long idleSince;
  private ScheduledFuture<?> check;
  private long checkAt;
  private final long sendNanos;
  private ScheduledFuture<?> sendWatch;
  private SocketProgress socket; // made when the send watch is first armed

  ConnectionTimeouts(Duration head, Duration body, Duration keepAlive, int minBodyRate,
      Admission state, Duration send) {
    this.headNanos = head.toNanos();
    this.bodyNanos = body.toNanos();
    this.keepAliveNanos = keepAlive.toNanos();
    this.minBodyRate = minBodyRate;
    this.state = state;
    this.sendNanos = send.toNanos();
  }

  /** With a send timeout of 30 s, the server's default. */
  ConnectionTimeouts(Duration head, Duration body, Duration keepAlive, int minBodyRate, Admission state) {
    this(head, body, keepAlive, minBodyRate, state, Duration.ofSeconds(30));
  }

  /** The connection is open: the first request's head timer starts. */
  void start(ChannelHandlerContext c) {
    ctx = c;
    idleSince = System.nanoTime();
    reschedule();
  }

  /** Bytes were read, before the decoder sees them. */
  void bytesRead(ByteBuf buf) {
    if (!buf.isReadable()) {
      return;
    }
    lastRead = System.nanoTime();
    inReadBurst = true;
    if (reading == Reading.BODY) {
      bodyBytes += buf.readableBytes();
    }
    if (reading == Reading.IDLE) {
      reading = Reading.HEAD;
      headStarted = lastRead;
      reschedule();
    }
  }

  /**
   * A decoder step left bytes unread past the request it ended: the next request's head has
   * begun in the same read, so it is timed as a head (408 when it stalls), not as an idle
   * keep-alive connection.
   */
  void bytesLeft() {
    if (reading == Reading.IDLE && !stopped) {
      reading = Reading.HEAD;
      headStarted = lastRead;
      reschedule();
    }
  }

  /** The read burst is over: {@link #now} reads the clock again. */
  void readComplete() {
    inReadBurst = false;
  }

  /**
   * The decoder finished a step: if it left a request's body still to come, a drain waits for
   * that request from now on (Admission). Counted here, before the head travels on (and an
   * aggregator answers {@code 100 Continue}), so a close that starts once the client saw that
   * answer always sees the request; a request without a body ends within its step.
   */
  void decodedStep() {
    if (reading == Reading.BODY && !arriving && !stopped) { // stopped: what a closing connection decodes last
      arriving = true;
      state.requestArriving();
    }
  }

  /** The request being read was handed over whole (admitted, queued or refused): it no longer arrives. */
  void handedOver() {
    if (arriving) {
      arriving = false;
      state.requestArrived();
    }
  }

  /**
   * {@link System#nanoTime}, or, within a read burst, the time of its last read: earlier by at
   * most the time the burst has taken so far (microseconds unless a handler holds the loop), and
   * no clock read for what a request does while its bytes are handled.
   */
  long now() {
    return inReadBurst ? lastRead : System.nanoTime();
  }

  /** The connection closed: no check is needed any more. */
  void stop() {
    if (check != null) {
      check.cancel(false);
    }
    if (sendWatch != null) {
      sendWatch.cancel(false);
      sendWatch = null;
    }
    stopped = true;
    handedOver(); // closed before its body came: nothing to wait for
  }

  /** The connection went on as HTTP/2 or became a WebSocket, which keep their own timers. */
  void removed() {
    stop();
    inReadBurst = false;
    ctx = null;
  }

  /** The decoder decoded {@code msg}: a request head, body content, or a failure. */
  void decoded(Object msg) {
    if (msg instanceof HttpRequest req && req.decoderResult().isSuccess()) {
      reading = Reading.BODY;
      // A head is decoded within the read that completed it, which just set lastRead: no
      // second clock read per request.
      bodyStarted = lastRead;
      bodyBytes = 0;
      reschedule();
    }
    if (msg instanceof LastHttpContent
        || msg instanceof HttpRequest req && req.decoderResult().isFailure()) {
      reading = Reading.IDLE;
      continueOwed = false;
      firstRequest = false;
      bodyPaused = false;
      if (answeredEarly) {
        // Its response is out already (a streamed body skipped to its end): nothing is owed.
        answeredEarly = false;
        if (unanswered == 0) {
          turnCame();
        }
      } else {
        unanswered++;
      }
    }
  }

  /**
   * A streamed body's reading stops ({@code true}) because its handler has not taken what
   * arrived, or starts again: while it is stopped the server is the slow side and the body read
   * timer rests; it starts afresh, its rate too, when reading does.
   */
  void bodyPaused(boolean paused) {
    if (bodyPaused == paused || reading != Reading.BODY) {
      return;
    }
    bodyPaused = paused;
    if (!paused) {
      bodyStarted = System.nanoTime();
      lastRead = bodyStarted;
      bodyBytes = 0;
      reschedule();
    }
  }

  /**
   * The request being read is answered from its head ({@link HeadOnlyRequest}): it ends here,
   * its body is not awaited, and nothing after it is read.
   */
  void endedAtHead() {
    decoded(LastHttpContent.EMPTY_LAST_CONTENT);
  }

  /** Whether requests read in full still wait for (the end of) their responses. */
  boolean awaitsResponses() {
    return unanswered > 0;
  }

  /** Whether no request is being read: neither a head begun nor a body arriving. */
  boolean readsNoRequest() {
    return reading == Reading.IDLE;
  }

  /** Whether a request's head has been decoded and its body is still arriving. */
  boolean readingBody() {
    return reading == Reading.BODY;
  }

  /**
   * Whether {@code evt} is the server's drain and this connection idles: it may close now. Not
   * while a response's bytes still wait for a slow client: the drain gives them the grace period.
   */
  boolean closesOnDrain(Object evt) {
    return evt == Admission.DRAIN && reading == Reading.IDLE && unanswered == 0 && pendingBytes() == 0;
  }

  /** Response bytes written but not yet taken by the client (Netty's outbound buffer). */
  private long pendingBytes() {
    var out = ctx == null ? null : ctx.channel().unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  /**
   * The request whose body is being read expects {@code 100 Continue}, and earlier responses are
   * still owed: in the middle of one it would break it. It is sent when its turn comes instead
   * ({@link #continueDue}), unless the connection closes after the last of them.
   */
  void continueHeldBack() {
    continueOwed = true;
    lastResponseCloses = false;
  }

  /** {@code msg} is being written, on its way to the encoder. */
  void writing(Object msg) {
    if (continueOwed && msg instanceof HttpResponse r && r.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
      lastResponseCloses = r.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
    } else if (continueOwed && msg instanceof EncodedResponse whole) {
      lastResponseCloses = !whole.keepAlive();
    }
    if (msg instanceof EncodedResponse || msg instanceof LastHttpContent && !(msg instanceof HttpResponse r
        && r.status().codeClass() == HttpStatusClass.INFORMATIONAL)) { // 100 Continue
      // An answer owed to no request read (a timer's own 408) starts nothing.
      if (unanswered > 0) {
        if (--unanswered == 0) {
          turnCame();
        }
      } else if (reading == Reading.BODY) {
        answeredEarly = true; // a streamed request answered while its body still arrives
      }
    }
  }

  /**
   * No response is owed any more: the request being read, if any, is the client's to send now,
   * and its timer starts (a connection with none starts its keep-alive period).
   */
  private void turnCame() {
    switch (reading) {
      case IDLE -> idleSince = now();
      case HEAD -> headStarted = now();
      case BODY -> {
        // Bytes that came while it waited do not count towards its rate: measured from here.
        bodyStarted = now();
        lastRead = bodyStarted;
        bodyBytes = 0;
      }
    }
    reschedule();
  }

  /**
   * Whether a {@code 100 Continue} held back for the request being read is to be written now,
   * right behind the response just written: its turn has come and the connection stays open.
   * Asked by the encoder once that response has passed it; true once at most.
   */
  boolean continueDue() {
    if (!continueOwed || unanswered > 0) {
      return false;
    }
    continueOwed = false;
    return reading == Reading.BODY && !lastResponseCloses && !stopped;
  }

  /** When the current phase expires, or {@code Long.MAX_VALUE} if nothing is timed now. */
  private long deadline() {
    if (unanswered > 0) {
      return Long.MAX_VALUE; // a handler works, or the request read waits its turn (turnCame starts it)
    }
    return switch (reading) {
      case HEAD -> headStarted + headNanos;
      case BODY -> bodyPaused ? Long.MAX_VALUE : minBodyRate <= 0 ? lastRead + bodyNanos
          // A trickle resets an idle timer forever (slow body, "R-U-Dead-Yet"), so the body must
          // also average minBodyRate once its first bodyReadTimeout is over (Kestrel's rule).
          : Math.min(lastRead + bodyNanos,
              bodyStarted + bodyNanos + bodyBytes * 1_000_000_000L / minBodyRate);
      case IDLE -> idleSince + (firstRequest ? headNanos : keepAliveNanos);
    };
  }

  private void reschedule() {
    long at = deadline();
    // Not once stopped: a write that passes after the close would keep a task for a dead connection.
    if (at == Long.MAX_VALUE || ctx == null || stopped) {
      return;
    }
    if (check != null && !check.isDone()) {
      if (checkAt - at <= 0) {
        return; // the pending check fires first and will look again
      }
      check.cancel(false);
    }
    checkAt = at;
    check = ctx.executor().schedule(this::onCheck, Math.max(0, at - System.nanoTime()),
        TimeUnit.NANOSECONDS);
  }

  private void onCheck() {
    check = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    long at = deadline();
    if (at == Long.MAX_VALUE) {
      return;
    }
    if (System.nanoTime() - at < 0) {
      reschedule();
      return;
    }
    if (reading == Reading.IDLE && unanswered == 0 && pendingBytes() > 0) {
      // The last response is queued, not yet sent: while its bytes wait for a slow client the
      // connection is not idle, and closing it would cut the response short. A client that
      // stops reading altogether is the send watch's to bound.
      idleSince = System.nanoTime();
      reschedule();
      sendStalled();
      return;
    }
    expire();
  }

  /**
   * Response bytes wait for the client (the channel turned unwritable, or the last response is
   * not yet taken): from now on they must move at least once per send timeout.
   */
  void sendStalled() {
    if (sendWatch != null || stopped || ctx == null) {
      return;
    }
    socket().mark();
    sendWatch = ctx.executor().schedule(this::onSendCheck, sendNanos, TimeUnit.NANOSECONDS);
  }

  private SocketProgress socket() {
    if (socket == null) {
      socket = new SocketProgress(ctx.channel());
    }
    return socket;
  }

  private void onSendCheck() {
    sendWatch = null;
    if (stopped || ctx == null || !ctx.channel().isActive() || pendingBytes() == 0) {
      return; // everything was taken: the watch rests until bytes wait again
    }
    if (socket().movedWithin(sendNanos)) {
      sendWatch = ctx.executor().schedule(this::onSendCheck, sendNanos, TimeUnit.NANOSECONDS);
      return;
    }
    state.timedOut(Admission.Timeout.SEND);
    ctx.channel().close(); // a producer blocked on the socket fails its next write and stops
  }

  private void expire() {
    switch (reading) {
      case HEAD -> state.timedOut(Admission.Timeout.REQUEST_HEAD);
      case BODY -> state.timedOut(Admission.Timeout.BODY_READ);
      case IDLE -> state.timedOut(firstRequest
          ? Admission.Timeout.REQUEST_HEAD : Admission.Timeout.KEEP_ALIVE);
    }
    ctx.channel().config().setAutoRead(false);
    // Only ever with no response owed (deadline): an answer here cannot cut one short.
    if (reading == Reading.BODY) {
      // The body stopped coming: end the request with a refusal in its body's place, so that it is
      // answered (408, then closed) and reported like any refused request, as on HTTP/2.
      LastHttpContent refusal = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
      refusal.setDecoderResult(DecoderResult.failure(
          new RejectedRequest(408, "Request Timeout: the request body stopped arriving")));
      decoded(refusal);
      ctx.fireChannelRead(refusal);
    } else if (reading == Reading.HEAD) {
      // Mid-request with nothing owed: tell the client why (RFC 9110 15.5.9), then close.
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.REQUEST_TIMEOUT);
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0)
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
          .set(HttpHeaderNames.DATE, DateHeader.now());
      ctx.channel().writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.channel().close();
      return;
    }
    // The 408 and its close wait behind whatever the client has not taken yet; the channel may
    // never turn unwritable for it (a few KiB behind full kernel buffers), so nothing else would
    // bound that wait: the send timeout does. A watch that finds nothing waiting rests.
    sendStalled();
  }
}

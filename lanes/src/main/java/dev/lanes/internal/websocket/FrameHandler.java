package dev.lanes.internal.websocket;

import dev.lanes.internal.server.Admission;
import dev.lanes.websocket.CloseCodes;
import dev.lanes.websocket.Message;
import dev.lanes.websocket.WebSocketClosedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.DataFormatException;

/**
 * The last handler of a WebSocket connection (after the frame codec, permessage-deflate, UTF-8
 * validation and fragment aggregation): hands whole messages to its {@link Session}, answers
 * pings, runs the close handshake, pings an idle peer and closes one that does not answer, and
 * maps failures to close codes (1009 oversize, 1007 bad UTF-8 or deflate data, 1002 protocol error). Confined to
 * the event loop except {@link #send}, {@link #close} and {@link #abort}, which hop onto it.
 * Sends go in at the pipeline's tail, so they pass {@link #write(ChannelHandlerContext, Object,
 * ChannelPromise)} on the loop, in order with the close frame: none queued behind the close frame
 * goes out (RFC 6455 5.5.1).
 */
final class FrameHandler extends ChannelDuplexHandler {
  private static final System.Logger LOG = System.getLogger(FrameHandler.class.getName());
  private static final int NO_STATUS = 1005; // RFC 6455 7.4.1: a close frame without a code
  private static final int MAX_REASON_BYTES = 123; // RFC 6455 5.5: 125 bytes of close payload, 2 for the code

  private final Session session;
  private ChannelHandlerContext ctx;
  // Set by close() on the caller's thread, before the close frame is queued on the loop: from
  // then on isOpen() is false and sends are refused on every thread.
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean closeSent;
  private volatile boolean ended;
  private volatile int endCode = CloseCodes.ABNORMAL;
  private volatile String endReason = "connection closed";
  private boolean closeReceived;
  private boolean inRead;
  private boolean flushPending;
  private boolean readSinceTick;
  private ScheduledFuture<?> pinger;
  private ScheduledFuture<?> pingCheck; // the last ping's timeout; cancelled by any byte read
  private long takenAtPausedTick = -1; // messages the handler had taken at the last tick that found reading paused
  // The latest ping's payload, unanswered while the socket is not writable (see answerPing).
  private ByteBuf pendingPong;

  FrameHandler(Session session) {
    this.session = session;
  }

  Channel channel() {
    return ctx.channel();
  }

  boolean isOpen() {
    return !closing.get() && !closeSent && !ended && ctx.channel().isActive();
  }

  WebSocketClosedException closedException() {
    return new WebSocketClosedException(endCode, endReason);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releasePendingPong();
  }

  /** On the loop, once the 101 is written: the session starts and the idle pinger runs. */
  void start() {
    long every = session.options().pingInterval().toNanos();
    pinger = ctx.executor().scheduleAtFixedRate(this::tick, every, every, TimeUnit.NANOSECONDS);
    session.opened(this);
    if (!ctx.channel().config().isAutoRead()) {
      // HTTP/1.1 paused reading at the upgrade request: what the client sent behind it waits
      // in the frame decoder, the session's first frames.
      resumeReading();
    }
  }

  /**
   * On the loop, for any bytes the peer sent (see {@link ReadActivity}): the peer is alive, even
   * mid-frame, so the ping waiting for an answer is answered.
   */
  void peerSentBytes() {
    readSinceTick = true;
    if (pingCheck != null) {
      pingCheck.cancel(false);
      pingCheck = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    inRead = true;
    if (!(msg instanceof WebSocketFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      switch (frame) {
        case TextWebSocketFrame text -> {
          if (acceptsData()) {
            session.onMessage(Message.text(text.text()));
          }
        }
        case BinaryWebSocketFrame binary -> {
          if (acceptsData()) {
            session.onMessage(Message.binary(ByteBufUtil.getBytes(binary.content())));
          }
        }
        case PingWebSocketFrame ping -> answerPing(ping);
        case CloseWebSocketFrame close -> closeReceived(close);
        default -> { } // pongs (liveness is noted by ReadActivity); continuations are joined before here
      }
    } finally {
      frame.release();
    }
  }

  /**
   * A pong per ping while the socket takes them; while it does not (the peer is not reading),
   * only the latest ping's payload is kept, answered once it is writable again (RFC 6455 5.5.3
   * allows answering only the most recent ping): a peer that pings without reading cannot make
   * the server queue a pong for each.
   */
  private void answerPing(PingWebSocketFrame ping) {
    if (closeSent) {
      return;
    }
    if (ctx.channel().isWritable()) {
      ctx.write(new PongWebSocketFrame(ping.content().retain()));
      flushPending = true;
      return;
    }
    releasePendingPong();
    pendingPong = ping.content().retain();
  }

  /** On the loop, once writable again: answers the ping kept while it was not. */
  private void sendPendingPong() {
    if (pendingPong != null && !closeSent) {
      ByteBuf payload = pendingPong;
      pendingPong = null;
      ctx.writeAndFlush(new PongWebSocketFrame(payload));
    }
  }

  private void releasePendingPong() {
    if (pendingPong != null) {
      pendingPong.release();
      pendingPong = null;
    }
  }

  /**
   * Data frames reach the session until either side sent its close frame. After ours, what the
   * peer still sends is read (to reach its answering close) but dropped: nobody may be reading it,
   * and buffering it would be unbounded.
   */
  private boolean acceptsData() {
    return !closeReceived && !closeSent && !ended;
  }

  private void closeReceived(CloseWebSocketFrame close) {
    closeReceived = true;
    int code = close.statusCode() < 0 ? NO_STATUS : close.statusCode();
    String reason = close.statusCode() < 0 ? "" : close.reasonText();
    if (!closeSent) {
      noteEnd(code, reason); // before closeSent: a send refused from now on reports the peer's code
      closeSent = true;
      // Echo the code (an empty close answers an empty one), then end the TCP connection: the
      // server closes first, so the client does not hold TIME_WAIT.
      CloseWebSocketFrame echo = code == NO_STATUS ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
      ctx.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
      // A peer that stops reading leaves the echo queued behind unsent data: no later than the
      // ping timeout, as when the server closes first, the connection goes anyway.
      closeAfterPingTimeout();
    } else {
      ctx.close(); // the peer answered our close
    }
    end(code, reason);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    inRead = false;
    if (flushPending) {
      flushPending = false;
      ctx.flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      sendPendingPong();
    }
    session.onWritabilityChanged();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (pinger != null) {
      pinger.cancel(false);
    }
    if (pingCheck != null) {
      pingCheck.cancel(false);
    }
    releasePendingPong();
    end(endCode, endReason);
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == Admission.DRAIN) {
      close(CloseCodes.GOING_AWAY, "server shutting down");
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecompressionException && cause.getCause() instanceof DataFormatException) {
      // Not deflate data at all: inconsistent with the message (RFC 7692 8.2.3), not too big.
      close(CloseCodes.INVALID_PAYLOAD, "invalid compressed data");
    } else if (cause instanceof TooLongFrameException || cause instanceof DecompressionException) {
      close(CloseCodes.MESSAGE_TOO_BIG, "message too big (limit " + session.options().maxMessageSize() + " bytes)");
    } else if (cause instanceof CorruptedWebSocketFrameException bad) {
      // The decoder or UTF-8 validator already sent the close frame and closes the connection.
      closeSent = true;
      noteEnd(bad.closeStatus().code(), bad.closeStatus().reasonText().toString());
      ctx.close();
    } else {
      LOG.log(Level.DEBUG, () -> "WebSocket connection " + ctx.channel().remoteAddress() + " failed", cause);
      ctx.close();
    }
  }

  /** Any thread: queues {@code message}; the future completes once it is written. */
  CompletableFuture<Void> send(Message message) {
    CompletableFuture<Void> written = new CompletableFuture<>();
    if (!admit()) {
      written.completeExceptionally(closedException());
      return written;
    }
    ChannelPromise promise = ctx.newPromise();
    promise.addListener(f -> {
      if (f.isSuccess()) {
        written.complete(null);
      } else {
        written.completeExceptionally(closedException());
      }
    });
    write(frame(message), promise);
    return written;
  }

  /** Any thread: queues {@code message} without a result (the blocking sender waits on writability). */
  void sendWithoutResult(Message message) {
    if (admit()) {
      write(frame(message), ctx.voidPromise());
    }
  }

  /**
   * Inside a read burst on the loop the flush waits for the burst's end; otherwise it is now. From
   * the channel (the tail), not this context, so the frame passes {@link #write(ChannelHandlerContext,
   * Object, ChannelPromise)}; off the loop Netty still counts it against writability at once.
   */
  private void write(WebSocketFrame frame, ChannelPromise promise) {
    if (inRead && ctx.executor().inEventLoop()) {
      ctx.channel().write(frame, promise);
      flushPending = true;
    } else {
      ctx.channel().writeAndFlush(frame, promise);
    }
  }

  /** On the loop, for each sent data frame: refused once the close frame went out. */
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (closeSent) {
      ReferenceCountUtil.release(msg);
      if (!promise.isVoid()) { // failing a void promise would fire exceptionCaught and cut the handshake
        promise.tryFailure(closedException());
      }
      return;
    }
    ctx.write(msg, promise);
  }

  /** Past maxQueuedBytes the peer is not reading: close it rather than buffer without limit. */
  private boolean admit() {
    Channel ch = ctx.channel();
    if (ch.bytesBeforeWritable() > session.options().maxQueuedBytes()) {
      abort(CloseCodes.ABNORMAL, "peer not reading: more than " + session.options().maxQueuedBytes()
          + " bytes unsent");
      return false;
    }
    return true;
  }

  private static WebSocketFrame frame(Message message) {
    return switch (message) {
      case Message.Text t -> new TextWebSocketFrame(t.text());
      case Message.Binary b -> new BinaryWebSocketFrame(Unpooled.wrappedBuffer(b.data()));
    };
  }

  /**
   * Any thread: sends a close frame with {@code code} once, then waits up to the ping timeout for
   * the peer's close before closing the connection.
   */
  void close(int code, String reason) {
    // Netty's check lets through every code from 3000 up; a close frame's code is two bytes and
    // RFC 6455 7.4.2 defines none past 4999 (browsers fail the connection on one).
    if (code < 1000 || code > 4999 || !WebSocketCloseStatus.isValidStatusCode(code)) {
      throw new IllegalArgumentException("not a close code a server may send: " + code);
    }
    if (closeSent || ended || !closing.compareAndSet(false, true)) {
      return;
    }
    noteEnd(code, reason);
    if (ctx.executor().inEventLoop()) {
      sendClose(code, reason);
    } else {
      ctx.executor().execute(() -> sendClose(code, reason));
    }
  }

  private void sendClose(int code, String reason) {
    if (closeSent || ended) {
      return;
    }
    closeSent = true;
    ctx.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason))).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    // A blocking session behind on reading paused it: read again, or the peer's answering close
    // would wait unread until the timeout below. Data frames from now on are dropped.
    resumeReading();
    closeAfterPingTimeout();
  }

  /**
   * On the loop: reads again after a pause, starting with the bytes the {@link FrameDecoder} held
   * undecoded, which no socket read may come to decode. Those are decoded in a task of their own:
   * this may run within a read (a close from a callback or on a failure), which the decoder must
   * not re-enter.
   */
  void resumeReading() {
    ctx.channel().config().setAutoRead(true);
    ctx.executor().execute(() -> ctx.pipeline().fireUserEventTriggered(FrameDecoder.RESUME));
  }

  private void closeAfterPingTimeout() {
    ctx.executor().schedule(() -> ctx.close(), session.options().pingTimeout().toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Any thread: closes the connection without a handshake (dead or non-reading peer). */
  void abort(int code, String reason) {
    noteEnd(code, reason);
    LOG.log(Level.DEBUG, () -> "closing WebSocket " + ctx.channel().remoteAddress() + ": " + reason);
    ctx.channel().close();
  }

  /** Every ping interval: a peer quiet for a whole interval gets a ping, and the ping timeout to answer. */
  private void tick() {
    if (ended || closeSent) {
      return;
    }
    if (!ctx.channel().config().isAutoRead()) {
      readSinceTick = false; // we stopped reading (handler behind): the peer's silence proves nothing
      judgeStall();
      return;
    }
    takenAtPausedTick = -1;
    if (!readSinceTick && pingCheck == null) {
      ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER));
      // Judges this ping only: any byte read cancels it, and the next ping gets its own.
      pingCheck = ctx.executor().schedule(() -> {
        pingCheck = null;
        if (!ended && ctx.channel().config().isAutoRead()) { // paused by us: silence proves nothing
          abort(CloseCodes.ABNORMAL, "peer did not answer a ping within " + session.options().pingTimeout());
        }
      }, session.options().pingTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }
    readSinceTick = false;
  }

  /**
   * Reading paused for a whole interval without the handler taking a message (a push-only handler
   * never does): the peer's frames, a close or pongs among them, wait unread, so it could neither
   * be answered nor be found gone. As an unanswered ping, it gets the ping timeout, then 1011.
   */
  private void judgeStall() {
    long taken = session.messagesTaken();
    if (taken == takenAtPausedTick && pingCheck == null) {
      pingCheck = ctx.executor().schedule(() -> {
        pingCheck = null;
        if (!ended && !ctx.channel().config().isAutoRead() && session.messagesTaken() == taken) {
          close(CloseCodes.INTERNAL_ERROR, "handler took no message for " + session.options().pingInterval()
              + " while the peer's frames waited unread");
        }
      }, session.options().pingTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }
    takenAtPausedTick = taken;
  }

  private void noteEnd(int code, String reason) {
    if (!ended) {
      endCode = code;
      endReason = reason;
    }
  }

  private void end(int code, String reason) {
    if (ended) {
      return;
    }
    noteEnd(code, reason);
    ended = true;
    session.onEnded(endCode, endReason);
  }

  /**
   * {@code reason} cut to the 123 bytes of UTF-8 a close frame holds beside its code (RFC 6455
   * 5.5: 125 bytes of payload), at a character's end so that it stays UTF-8 (8.1).
   */
  private static String truncate(String reason) {
    if (reason.length() <= MAX_REASON_BYTES / 3) { // even at 3 bytes a char (a BMP char's most) it fits
      return reason;
    }
    int bytes = 0;
    for (int i = 0; i < reason.length(); ) {
      int cp = reason.codePointAt(i);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + size > MAX_REASON_BYTES) {
        return reason.substring(0, i);
      }
      bytes += size;
      i += Character.charCount(cp);
    }
    return reason;
  }
}

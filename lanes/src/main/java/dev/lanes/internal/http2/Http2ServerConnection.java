package dev.lanes.internal.http2;

import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.internal.app.CompiledApp;
import dev.lanes.internal.compression.CompressionRule;
import dev.lanes.internal.compression.ContentCodings;
import dev.lanes.internal.exchange.Exchange;
import dev.lanes.internal.http.HostValue;
import dev.lanes.internal.http.StreamedBodyFailure;
import dev.lanes.internal.http1.SafePath;
import dev.lanes.internal.http1.SocketProgress;
import dev.lanes.internal.server.Admission;
import dev.lanes.server.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.CompressorHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2LocalFlowController;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.codec.http2.StreamByteDistributor;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection: Netty's connection handler (framing, HPACK, flow control, stream states,
 * flood limits) with Lanes' frame listener on top. Each request stream becomes one
 * {@link Exchange} with an {@link Http2ExchangeCodec}, so streams are served side by side: one
 * waiting for its lane, or writing a slow body under its flow-control window, holds up no other.
 * Frames are handled on the connection's event loop, without a child channel per stream (the
 * per-stream state is a property of Netty's {@link Http2Stream}).
 *
 * <p>A stream closed before its response was fully written (RST_STREAM from the client, the
 * connection lost or closed at the end of a shutdown) abandons its exchange: the handler is
 * cancelled and its lane token returned. On drain the connection goes away in RFC 9113 6.8's two
 * steps: GOAWAY naming 2^31-1 with a PING, then, on the PING's ack (a round trip later: streams
 * the client opened before it read the first GOAWAY have arrived) or after a bounded wait, GOAWAY
 * naming the last stream it saw; it serves the streams it accepted and closes when none is left.
 * A connection with no stream for {@code keepAliveTimeout} goes away in the same two steps.
 *
 * <p>Timeouts, each one scheduled check per connection at most (no timer per stream or frame): a
 * stream whose request body is still arriving has HTTP/1.1's {@code bodyReadTimeout} and
 * {@code minRequestBodyRate} (408, then the stream is reset); a stream whose response bytes wait
 * on flow control (or on an unwritable socket) and make no progress for {@code sendTimeout} is
 * reset with CANCEL, its producer failed.
 *
 * <p>A route that streams its request body ({@code RouteOptions.streamedBody}) is served from
 * its HEADERS: its handler reads the DATA frames as they arrive ({@link StreamedRequestBody}),
 * and their bytes go back to the stream's flow-control window only as it reads them, so the
 * client stops at one window of unread bytes. The connection's window is its body budget
 * ({@link ConnectionBodyBudget}): a byte goes back to it once its body is done with (read by its
 * handler, or, for a body read whole, once its stream has closed), and it holds every stream's
 * window beside one body of {@code maxBodySize}, so a stream whose handler does not read holds
 * its own window, never the one the other streams share. Such a body's timer rests while
 * its handler holds half the stream's window unread, or while its client waits for the 100 the
 * handler's first read sends; past the route's limit, on its timeout, or when the stream closes,
 * the handler's read throws; a handler that answers before the body ended gets its stream reset
 * with NO_ERROR after its response.
 *
 * <p>With compression on, the encoder is Netty's {@link CompressorHttp2ConnectionEncoder}, which
 * compresses a stream's DATA frames when its HEADERS carry a {@code content-encoding}; only heads
 * the server chose a coding for go through it (a body the app encoded itself is sent as it is).
 */
final class Http2ServerConnection extends Http2ConnectionHandler implements Http2FrameListener {
  private static final System.Logger LOG = System.getLogger(Http2ServerConnection.class.getName());
  private static final byte[] NO_BODY = new byte[0];
  private static final AsciiString CONTINUE_EXPECTED = AsciiString.cached("100-continue");
  /**
   * The window a body read whole needs beyond its bytes for padding: a frame's (its Pad Length
   * octet and 255 octets), and what Netty may leave unannounced of the padding given back (under
   * 200 bytes at any window, its ratio being a float just under 1).
   */
  private static final int PADDING_ROOM = 512;
  /** The drain's PING payload ("lanes-GA"): its ack ends the first step. */
  private static final long DRAIN_PING = 0x6c616e65732d4741L;
  /**
   * How long the drain's first step waits for the PING's ack, at most (Envoy's default
   * {@code drain_timeout} between its two GOAWAYs); never more than half the grace period, so
   * the final GOAWAY goes out before the server closes what is left.
   */
  private static final long ACK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final CompiledApp app;
  private final Admission admission;
  private final int maxBodySize;
  private final int maxHeaderCount;
  private final int maxHeaderSize;
  private final long idleNanos;
  private final long bodyNanos;
  private final long minBodyRate; // bytes per second, 0 = none
  private final long sendNanos;
  private final long ackWaitNanos;
  /**
   * The connection's receive window, and so the request body bytes the connection holds at most
   * (its {@link ConnectionBodyBudget}): a byte goes back to it only once its body is done with.
   */
  private final ConnectionBodyBudget budget;
  private final Http2Connection.PropertyKey key;
  private final Http2ConnectionEncoder plain; // encoder() without compression
  private final CompressionRule compression; // null: the server does not compress
  private ChannelHandlerContext ctx;
  private String scheme = "http"; // from the connection, never from :scheme
  private SslHandler tls; // null: h2c
  private boolean reading; // inside a read burst: channelReadComplete flushes
  private boolean draining; // the first GOAWAY went out (a drain, or the idle close)
  private boolean closing; // the final GOAWAY went out: the connection closes once no stream is left
  private boolean connectionWindowWidened;
  private boolean finalGoAwayDue; // counted in Admission until the final GOAWAY or the close
  private ScheduledFuture<?> ackWait; // the drain's first step, until the PING's ack
  private long idleSince = System.nanoTime();
  private ScheduledFuture<?> idleCheck;
  private long burstNow; // the clock within a read burst, read lazily; 0 = not read yet
  private ScheduledFuture<?> bodyCheck; // the next look at streams whose body is arriving
  private long bodyCheckAt;
  private ScheduledFuture<?> sendWatch; // while response bytes wait on flow control or the socket
  private SocketProgress socket;
  private boolean socketMarked; // the send watch's last look (or its start) marked the socket
  private long clientMaxHeaderList = Long.MAX_VALUE; // the client's SETTINGS_MAX_HEADER_LIST_SIZE, if it sent one
  private StreamRequest awaitingPreface; // an Upgrade: h2c's request, served once the preface came
  private final ArrayDeque<StreamRequest> awaitingWindow = new ArrayDeque<>(0); // bodies waiting for the budget

  private Http2ServerConnection(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
      Http2ConnectionEncoder plain, Http2Settings settings, CompiledApp app, ServerConfig config,
      Admission admission) {
    // Close is decoupled from GOAWAY: the server's final close must not wait for streams; GOAWAY
    // goes out on drain, earlier.
    super(decoder, encoder, settings, true, true);
    this.app = app;
    this.admission = admission;
    this.maxBodySize = config.maxBodySize();
    this.maxHeaderCount = config.maxHeaderCount();
    this.maxHeaderSize = config.maxHeaderSize();
    this.idleNanos = config.keepAliveTimeout().toNanos();
    this.bodyNanos = config.bodyReadTimeout().toNanos();
    this.minBodyRate = config.minRequestBodyRate();
    this.sendNanos = config.sendTimeout().toNanos();
    this.ackWaitNanos = Math.min(ACK_WAIT_NANOS, config.shutdownGrace().toNanos() / 2);
    this.budget = new ConnectionBodyBudget(config.maxConcurrentStreams(), config.streamWindowSize(),
        config.maxBodySize());
    this.key = connection().newKey();
    this.plain = plain;
    this.compression = config.compression().enabled() ? new CompressionRule(config.compression()) : null;
    connection().addListener(new Http2ConnectionAdapter() {
      @Override
      public void onStreamClosed(Http2Stream stream) {
        streamClosed(stream);
      }
    });
  }

  /** A connection handler with the server's limits (see {@code docs/http2.md}). */
  static Http2ServerConnection create(CompiledApp app, ServerConfig config, Admission admission) {
    return new Builder(app, config, admission).build();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    socket = new SocketProgress(ctx.channel());
    tls = ctx.pipeline().get(SslHandler.class);
    if (tls != null) {
      scheme = "https";
    }
    super.handlerAdded(ctx);
    if (ctx.channel().isActive()) {
      widenConnectionWindow();
    }
    finalGoAwayDue = true;
    admission.finalGoAwayDue();
    scheduleIdleCheck(idleNanos);
    if (admission.isDraining()) { // it became HTTP/2 after the drain's signal went down its pipeline
      drain();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    reading = true;
    burstNow = 0;
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    reading = false;
    super.channelReadComplete(ctx); // flushes what the burst's streams wrote
  }

  /**
   * Bytes the kernel did not take at once wait in Netty's buffer, past flow control: a client
   * that stops reading its socket with its windows open stalls them there, and a producer with
   * them (its bytes count until they reach the socket). The send watch looks at them too.
   */
  @Override
  public void flush(ChannelHandlerContext ctx) {
    super.flush(ctx);
    if (sendWatch == null && socket != null && socket.waiting()) {
      sendStalled(null);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (idleCheck != null) {
      idleCheck.cancel(false);
    }
    if (bodyCheck != null) {
      bodyCheck.cancel(false);
    }
    if (sendWatch != null) {
      sendWatch.cancel(false);
    }
    if (ackWait != null) {
      ackWait.cancel(false);
    }
    finalGoAwaySettled();
    super.channelInactive(ctx); // closes every stream: their exchanges are abandoned
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    finalGoAwaySettled(); // taken out of its pipeline: the drain must not wait for it
    super.handlerRemoved0(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == Admission.DRAIN) {
      drain();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    LOG.log(Level.DEBUG, () -> "HTTP/2 connection " + ctx.channel().remoteAddress() + " failed", cause);
    super.exceptionCaught(ctx, cause);
  }

  /**
   * A request the codec resets as malformed (RFC 9113 8.1.1: pseudo-header fields, uppercase or
   * connection-specific names, a head past the header list size, a body that does not match its
   * content-length) is a bad request, as HTTP/1.1's 400 for it is. Only one not yet answered is
   * counted: a refused one was counted when its answer was chosen, and a stream is reset once.
   */
  @Override
  protected void onStreamError(ChannelHandlerContext ctx, boolean outbound, Throwable cause,
      Http2Exception.StreamException error) {
    if (!outbound && error.error() == Http2Error.PROTOCOL_ERROR) {
      Http2Stream stream = connection().stream(error.streamId());
      StreamRequest req = stream == null ? null : stream.getProperty(key);
      if (req == null || !req.dispatched) {
        admission.badRequest();
        if (req != null) {
          req.dispatched = true;
        }
      }
    }
    super.onStreamError(ctx, outbound, cause, error);
  }

  // ---- frames from the client ----

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
      boolean endOfStream) throws Http2Exception {
    Http2Stream stream = connection().stream(streamId);
    if (stream == null) {
      return;
    }
    StreamRequest req = stream.getProperty(key);
    if (req == null) {
      checkPseudoHeaders(streamId, headers);
      req = new StreamRequest(stream, headers);
      stream.setProperty(key, req);
      if (!endOfStream) { // a body follows: it must keep coming (bodyReadTimeout)
        req.arriving = true; // and a drain waits for it, as for an HTTP/1.1 upload under way
        admission.requestArriving();
        req.lastRead = req.bodyStarted = now();
        watchBody(req.lastRead + bodyNanos);
        boolean connect = HttpMethod.CONNECT.asciiName().contentEquals(headers.method());
        req.streamLimit = connect ? -1 : streamedLimit(headers);
        if (refusedAtHead(req)) {
          // answered now, its body not awaited (a CONNECT's 501 among them: its stream stays
          // open for the tunnel's bytes, RFC 9113 8.5, and would never end)
        } else if (CONTINUE_EXPECTED.contentEqualsIgnoreCase(headers.get(HttpHeaderNames.EXPECT))) {
          continueOrAnswer(req);
        } else if (req.streamLimit >= 0) {
          dispatch(req);
        }
        if (!req.dispatched && req.streamLimit < 0) {
          claimWindow(req);
        }
      }
    } else if (!endOfStream) {
      throw Http2Exception.streamError(streamId, Http2Error.PROTOCOL_ERROR, "trailers must end the stream");
    } else if (req.streamed != null) {
      // Trailers end a body streamed to its handler as a last DATA frame would (dropped, as on HTTP/1.1).
      req.requestComplete = true;
      req.streamed.arrived(null, true);
      return;
    }
    if (endOfStream && !req.dispatched) { // trailers are read and dropped, as on HTTP/1.1
      req.requestComplete = true;
      dispatch(req);
    }
  }

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
      short weight, boolean exclusive, int padding, boolean endOfStream) throws Http2Exception {
    onHeadersRead(ctx, streamId, headers, padding, endOfStream);
  }

  @Override
  public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
    // A body read whole (up to maxBodySize, before its request is served, as on HTTP/1.1) keeps
    // its bytes from the connection's window until its stream closes (Netty returns them then):
    // that window is the connection's body budget. Bytes nobody keeps go back at once.
    int processed = data.readableBytes() + padding;
    Http2Stream stream = connection().stream(streamId);
    StreamRequest req = stream == null ? null : stream.getProperty(key);
    if (req != null && req.streamed != null) {
      return streamedData(ctx, req, data, padding, endOfStream);
    }
    if (req == null || req.dispatched) {
      return processed;
    }
    if ((long) req.bodySize() + data.readableBytes() > maxBodySize) {
      req.dispatched = true;
      req.releaseBody();
      admission.badRequest();
      Exchange exchange = open(req);
      exchange.refuse(new Http2RequestHeaders(req.headers), Response.text(413, "Content Too Large"));
      arrived(req);
      return processed;
    }
    req.append(ctx.alloc(), data);
    if (endOfStream) {
      req.requestComplete = true;
      dispatch(req);
    } else {
      req.lastRead = now(); // moves its deadline later only: the pending check stays
    }
    return padding;
  }

  /**
   * A body read whole that may outgrow its stream's initial window needs a window as large as it
   * may be, without its bytes going back to the connection's: granted now if it fits the budget
   * beside the others ({@link ConnectionBodyBudget}), else once enough of them are done with, in
   * the order the streams came; until then the client stops at the initial window.
   */
  private void claimWindow(StreamRequest req) {
    long declared = declaredLength(req.headers);
    // Without a length, only the byte past maxBodySize shows the body is too large (413): its
    // window must let that byte come, or the client stops at the limit and the body waits for ever.
    // And room for the padding in flight: the rest was given back as it came.
    long claim = (declared >= 0 ? declared : maxBodySize + 1L) + PADDING_ROOM;
    Http2Stream stream = connection().stream(req.id);
    if (stream == null) {
      return;
    }
    paddingGoesBack(stream);
    if (claim <= connection().local().flowController().initialWindowSize(stream)) {
      return; // it fits the window every stream has
    }
    req.claim = claim;
    req.awaitingWindow = true;
    awaitingWindow.add(req);
    grantWaiting();
  }

  /**
   * A body read whole gives back only its padding before its stream closes: that goes back to the
   * stream's window at once (a WINDOW_UPDATE per padded frame), not once half the window is due
   * (Netty's ratio), which a body that fits its window only without its padding never reaches.
   */
  private void paddingGoesBack(Http2Stream stream) {
    if (connection().local().flowController() instanceof DefaultHttp2LocalFlowController local) {
      try {
        local.windowUpdateRatio(stream, Math.nextDown(1f));
      } catch (Http2Exception e) {
        LOG.log(Level.DEBUG, () -> "setting the window update ratio of stream " + stream.id() + " failed", e);
      }
    }
  }

  /** Opens the stream's window to its claim (without giving its bytes back to the connection's). */
  private void grantWindow(StreamRequest req, Http2Stream stream) {
    budget.grant(req.claim);
    req.granted = true;
    if (req.awaitingWindow) {
      req.awaitingWindow = false;
      req.lastRead = req.bodyStarted = System.nanoTime(); // its body timer rested: it runs again from zero
      watchBody(req.lastRead + bodyNanos);
    }
    Http2LocalFlowController flow = connection().local().flowController();
    int initial = flow.initialWindowSize(stream);
    // Netty writes the WINDOW_UPDATE only once the window is at most half its new size: twice the
    // initial one at least (more than the claim is harmless, the body ends or is refused at it).
    long delta = Math.min(Integer.MAX_VALUE - (long) initial, Math.max(req.claim - initial, initial));
    try {
      flow.incrementWindowSize(stream, (int) delta);
      flushSoon();
    } catch (Http2Exception e) {
      LOG.log(Level.DEBUG, () -> "opening the window of stream " + req.id + " failed", e);
    }
  }

  /** The bodies waiting get their windows, in the order they came, while they fit the budget. */
  private void grantWaiting() {
    for (StreamRequest next; (next = awaitingWindow.peek()) != null && budget.fits(next.claim); ) {
      awaitingWindow.poll();
      Http2Stream stream = connection().stream(next.id);
      if (stream == null) {
        next.awaitingWindow = false;
      } else {
        grantWindow(next, stream);
      }
    }
  }

  /**
   * A DATA frame of a body streamed to its handler: its bytes are held for the handler and given
   * back to the stream's and the connection's windows only as the handler reads them
   * ({@link #bodyRead}); the padding at once. The connection's window holds every stream's
   * window, so a handler that does not read holds up its own stream only.
   */
  private int streamedData(ChannelHandlerContext ctx, StreamRequest req, ByteBuf data, int padding,
      boolean endOfStream) {
    StreamedRequestBody body = req.streamed;
    int n = data.readableBytes();
    if (endOfStream) {
      req.requestComplete = true;
    }
    body.received += n;
    body.held += n; // Netty counts them unconsumed until bodyRead returns them
    if (body.received > body.limit()) {
      // As HTTP/1.1: the handler's read throws; its answer goes out, then the stream is reset.
      body.fail(new StreamedBodyFailure(413, "request body exceeds this route's limit of " + body.limit()
          + " bytes (RouteOptions.streamedBody)"));
      body.arrived(null, endOfStream);
      return padding;
    }
    body.returnBatch(pauseAt());
    body.arrived(n == 0 ? null : ctx.alloc().buffer(n).writeBytes(data, data.readerIndex(), n), endOfStream);
    if (n > 0) {
      if (body.awaitingContinue) { // the client sent its body without waiting for the 100
        bodyTimerRestarts(req);
      }
      req.lastRead = now();
      body.counted += n;
      if (!body.paused && body.held >= pauseAt()) {
        body.paused = true; // the handler is the slow side: the body timer rests
      }
    }
    return padding;
  }

  /**
   * Bytes held for a handler past which the body timer rests: half the stream's initial window,
   * where Netty's next WINDOW_UPDATE waits for the handler's reads (its default ratio).
   */
  private int pauseAt() {
    return Math.max(1, connection().local().flowController().initialWindowSize() / 2);
  }

  /** On the loop: the handler of {@code req} read bytes; they go back to the stream's window. */
  private void bodyRead(StreamRequest req) {
    StreamedRequestBody body = req.streamed;
    int n = body.takeRead();
    Http2Stream stream = connection().stream(req.id);
    if (n == 0 || req.closed || stream == null) {
      return; // a closed stream's unconsumed bytes were returned to the connection by Netty
    }
    body.held -= n;
    try {
      if (connection().local().flowController().consumeBytes(stream, n)) {
        flushSoon(); // a WINDOW_UPDATE was written
      }
    } catch (Http2Exception e) {
      LOG.log(Level.DEBUG, () -> "returning " + n + " bytes to stream " + req.id + " failed", e);
    }
    if (body.paused && body.held < pauseAt()) {
      body.paused = false;
      bodyTimerRestarts(req);
    }
  }

  /**
   * The server stops waiting on the handler (or on the 100 it owed): the streamed body's timer
   * runs again from zero, its rate too, as HTTP/1.1's does when it reads the socket again.
   */
  private void bodyTimerRestarts(StreamRequest req) {
    StreamedRequestBody body = req.streamed;
    body.awaitingContinue = false;
    body.counted = 0;
    req.lastRead = req.bodyStarted = System.nanoTime();
    if (!req.requestComplete) {
      watchBody(req.lastRead + bodyNanos);
    }
  }

  @Override
  public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
    // Netty closes the stream right after this; streamClosed abandons its exchange.
    Http2Stream stream = connection().stream(streamId);
    StreamRequest req = stream == null ? null : stream.getProperty(key);
    if (req != null) {
      req.resetByClient = true;
    }
  }

  @Override
  public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int streamDependency, short weight,
      boolean exclusive) {}

  @Override
  public void onSettingsAckRead(ChannelHandlerContext ctx) {}

  @Override
  public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
    clientSettings(settings);
    StreamRequest upgrade = awaitingPreface;
    if (upgrade != null) {
      awaitingPreface = null;
      dispatch(upgrade);
    }
  }

  /** An {@code Upgrade: h2c}'s {@code HTTP2-Settings}: Netty applies them without a SETTINGS frame. */
  @Override
  public void onHttpServerUpgrade(Http2Settings settings) throws Http2Exception {
    super.onHttpServerUpgrade(settings);
    clientSettings(settings);
  }

  private void clientSettings(Http2Settings settings) {
    // Netty applies a client's limit to a server's encoder not at all: the server checks its heads itself.
    Long max = settings.maxHeaderListSize();
    if (max != null) {
      clientMaxHeaderList = max;
    }
  }

  @Override
  public void onPingRead(ChannelHandlerContext ctx, long data) {}

  @Override
  public void onPingAckRead(ChannelHandlerContext ctx, long data) {
    if (data == DRAIN_PING && draining && !closing) {
      finalGoAway();
    }
  }

  @Override
  public void onPushPromiseRead(ChannelHandlerContext ctx, int streamId, int promisedStreamId,
      Http2Headers headers, int padding) {}

  @Override
  public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {}

  @Override
  public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {}

  @Override
  public void onUnknownFrame(ChannelHandlerContext ctx, byte frameType, int streamId, Http2Flags flags,
      ByteBuf payload) {}

  /** Serves the request of an {@code Upgrade: h2c} as stream 1, which the upgrade opened. */
  void serveUpgrade(FullHttpRequest upgrade) {
    Http2Stream stream = connection().stream(1);
    if (stream == null) {
      return;
    }
    CharSequence scheme = HttpConversionUtil.ExtensionHeaderNames.SCHEME.text();
    upgrade.headers().set(scheme, "http"); // an origin-form target does not say it
    Http2Headers headers = HttpConversionUtil.toHttp2Headers(upgrade, true);
    headers.remove(scheme);
    StreamRequest req = new StreamRequest(stream, headers);
    req.requestComplete = true;
    stream.setProperty(key, req);
    if (upgrade.content().isReadable()) {
      req.append(ctx.alloc(), upgrade.content());
    }
    // Served once the client's preface came (onSettingsRead), not now: the JDK's HttpClient (25)
    // loses response bytes that come in the same socket read as the 101 past its first 16 KiB
    // buffer, while it switches to HTTP/2. The preface follows the 101 by one round trip; the idle
    // timer bounds the wait (and a server's stop closes every connection).
    awaitingPreface = req;
  }

  /**
   * A head with a body to come that already earns its refusal (one HTTP/1.1 would refuse before
   * reading the body: a bad head, an unsafe path, a declared length past the body's limit, a
   * CONNECT) is answered now, as HTTP/1.1 answers it: the client is not made to send up to
   * {@code maxBodySize} first, and a body past it cannot turn the head's answer into a 413. The
   * stream is then reset once the answer is written, its body not needed.
   */
  private boolean refusedAtHead(StreamRequest req) {
    Http2Headers h = req.headers;
    String method = h.method().toString();
    String target = h.path() == null ? "" : h.path().toString();
    Response answer = refusal(method, target, h);
    if (answer == null && !target.equals("*")) {
      int q = target.indexOf('?');
      try {
        SafePath.decode(q < 0 ? target : target.substring(0, q));
      } catch (IllegalArgumentException e) {
        answer = Response.text(400, "Bad Request: " + e.getMessage());
      }
    }
    if (answer == null && declaredLength(h) > (req.streamLimit >= 0 ? req.streamLimit : maxBodySize)) {
      answer = Response.text(413, "Content Too Large");
    }
    if (answer == null) {
      return false;
    }
    req.dispatched = true;
    admission.badRequest();
    open(req).refuse(new Http2RequestHeaders(h), answer);
    arrived(req);
    return true;
  }

  /**
   * RFC 9110 10.1.1: a client that expects 100-continue may hold its body back until a 100, and
   * the server must not wait for the body first. A head that already earns a final answer (a
   * refusal, {@link #refusedAtHead}, was sent already; no route taking it, the server full:
   * {@link Exchange#answeredFromHead}) gets it now instead, as HTTP/1.1 does; the stream is then
   * reset once it is written, the body never asked for.
   */
  private void continueOrAnswer(StreamRequest req) {
    Http2Headers h = req.headers;
    String method = h.method().toString();
    String target = h.path() == null ? "" : h.path().toString();
    if (answeredFromHead(method, target)) {
      dispatch(req, true);
      return;
    }
    if (req.streamLimit >= 0) {
      req.continueOwed = true; // the 100 goes out at the handler's first read, as on HTTP/1.1
      dispatch(req);
      return;
    }
    sendContinue(req);
  }

  /** The limit of the route that streams the body of {@code h}'s request, or -1: read whole. */
  private long streamedLimit(Http2Headers h) {
    if (!app.streamsBodies() || h.method() == null || h.path() == null) {
      return -1;
    }
    String target = h.path().toString();
    int q = target.indexOf('?');
    try {
      return app.streamedBodyLimit(h.method().toString(), target.equals("*") ? "*"
          : SafePath.decode(q < 0 ? target : target.substring(0, q)));
    } catch (IllegalArgumentException e) {
      return -1; // refused for its path when served
    }
  }

  /** The interim 100 on a stream whose head has not gone out, whose client waits for it. */
  private void sendContinue(StreamRequest req) {
    if (req.headSent || req.closed || connection().stream(req.id) == null) {
      return;
    }
    plain.writeHeaders(ctx, req.id, new DefaultHttp2Headers().status(HttpResponseStatus.CONTINUE.codeAsText()), 0,
        false, ctx.newPromise());
    flushSoon();
  }

  /** The request's content-length (Netty's decoder has checked it is a number), or -1. */
  private static long declaredLength(Http2Headers h) {
    CharSequence length = h.get(HttpHeaderNames.CONTENT_LENGTH);
    try {
      return length == null ? -1 : Long.parseLong(length.toString().trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** RFC 9113 8.3.1: every request has :method, and all but CONNECT a non-empty :path and :scheme. */
  private static void checkPseudoHeaders(int streamId, Http2Headers h) throws Http2Exception {
    CharSequence method = h.method();
    boolean ok = method != null && (method.toString().equals("CONNECT")
        ? h.path() == null && h.scheme() == null && h.authority() != null
        : h.path() != null && h.path().length() > 0 && h.scheme() != null);
    if (!ok) {
      throw Http2Exception.streamError(streamId, Http2Error.PROTOCOL_ERROR, "missing or invalid pseudo-header fields");
    }
  }

  private Exchange open(StreamRequest req) {
    Http2Headers h = req.headers;
    String method = h.method().toString();
    CharSequence path = h.path();
    var codec = new Http2ExchangeCodec(this, req, app.lanes(), method.equals("HEAD"));
    Exchange exchange = Exchange.open(app, admission, codec, ctx.executor(), method, path == null ? "" : path.toString(),
        System.nanoTime());
    req.exchange = exchange;
    return exchange;
  }

  /** Whether {@code method target} gets its answer without its body; a path that cannot be decoded does. */
  private boolean answeredFromHead(String method, String target) {
    int q = target.indexOf('?');
    try {
      String path = target.equals("*") ? "*" : SafePath.decode(q < 0 ? target : target.substring(0, q));
      return Exchange.answeredFromHead(app, admission, method, path);
    } catch (IllegalArgumentException e) {
      return true;
    }
  }

  private void dispatch(StreamRequest req) {
    dispatch(req, false);
  }

  /** Serves the stream's request; {@code headOnly}: from its head alone, its body not asked for. */
  private void dispatch(StreamRequest req, boolean headOnly) {
    if (req.granted && req.claim > req.bodySize()) {
      // The body came whole: its bytes stay counted until its stream closes, the rest of its grant is free.
      budget.release(req.claim - req.bodySize());
      req.claim = req.bodySize();
      grantWaiting();
    }
    try {
      serve(req, headOnly);
    } finally {
      arrived(req); // only now: admitted first, so a drain never sees it in neither count
    }
  }

  /** Its body ended: it counts for a drain as a request in flight, or as nothing once answered. */
  private void arrived(StreamRequest req) {
    if (req.arriving) {
      req.arriving = false;
      admission.requestArrived();
    }
    if (req.awaitingWindow) { // it ended within its initial window, or was refused: it needs none
      req.awaitingWindow = false;
      awaitingWindow.remove(req);
      grantWaiting();
    }
  }

  private void serve(StreamRequest req, boolean headOnly) {
    req.dispatched = true;
    Exchange exchange = open(req);
    Http2Headers h = req.headers;
    String method = h.method().toString();
    String target = h.path() == null ? "" : h.path().toString();
    byte[] body = req.takeBody();
    Response refusal = refusal(method, target, h);
    if (refusal != null) {
      admission.badRequest();
      exchange.refuse(new Http2RequestHeaders(h), refusal);
      return;
    }
    int q = target.indexOf('?');
    String path;
    try {
      path = target.equals("*") ? "*" : SafePath.decode(q < 0 ? target : target.substring(0, q));
    } catch (IllegalArgumentException e) {
      admission.badRequest(); // refused for its syntax, as HTTP/1.1 counts it
      exchange.refuse(new Http2RequestHeaders(h), Response.text(400, "Bad Request: " + e.getMessage()));
      return;
    }
    req.routeCompresses = compression != null && app.compressible(method, path);
    Request.Builder request = Request.builder(method, path, q < 0 ? "" : target.substring(q + 1))
        .headers(new Http2RequestHeaders(h))
        .scheme(scheme)
        .body(body);
    if (req.streamLimit >= 0 && !req.requestComplete && !headOnly) {
      StreamedRequestBody streamed = new StreamedRequestBody(req.streamLimit, ctx.executor(), () -> bodyRead(req),
          pauseAt(), req.continueOwed ? () -> continueAtFirstRead(req) : null);
      req.streamed = streamed;
      request.bodyStream(streamed);
    }
    if (tls != null) {
      request.tlsSession(tls.engine().getSession());
    }
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
      request.remoteAddress(remote);
    }
    if (ctx.channel().localAddress() instanceof InetSocketAddress local) {
      request.localAddress(local); // urlFor's host when the request names none (Starlette's scope["server"])
    }
    if (headOnly) {
      exchange.serveHead(method, path, request);
    } else {
      exchange.serve(method, path, request);
    }
  }

  /** The answer to a request head HTTP/1.1 would refuse too, or null. */
  private Response refusal(String method, String target, Http2Headers h) {
    if (method.equals("CONNECT")) {
      return Response.text(501, "Not Implemented: CONNECT");
    }
    // As HTTP/1.1's Host: middleware (TrustedHost, HttpsRedirect) builds links and redirects from it.
    CharSequence authority = h.authority();
    if (authority != null && !HostValue.valid(authority.toString())) {
      return Response.text(400, "Bad Request: invalid :authority");
    }
    // The app reads a host field when one is sent, so it is checked too, and it must name what
    // :authority names (RFC 9113 8.3.1): else a valid :authority would carry an unchecked Host.
    List<CharSequence> hosts = h.getAll(HttpHeaderNames.HOST);
    if (!hosts.isEmpty()) {
      CharSequence host = hosts.get(0);
      if (hosts.size() > 1 || !HostValue.valid(host.toString())) {
        return Response.text(400, "Bad Request: invalid host");
      }
      if (authority != null && !AsciiString.contentEqualsIgnoreCase(host, authority)) {
        return Response.text(400, "Bad Request: host differs from :authority");
      }
    }
    Http1HeadSize size = Http1HeadSize.of(h);
    if (size.fields() > maxHeaderCount) {
      return Response.text(431, "Request Header Fields Too Large: more than " + maxHeaderCount + " fields");
    }
    if (size.bytes() > maxHeaderSize) {
      return Response.text(431, "Request Header Fields Too Large: more than " + maxHeaderSize + " bytes");
    }
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '#' || c == '\\') {
        return Response.text(400, "Bad Request: invalid character in request target");
      }
    }
    if (target.equals("*") && !method.equals("OPTIONS")) {
      return Response.text(400, "Bad Request: '*' is only a target for OPTIONS");
    }
    if (!target.equals("*") && !target.startsWith("/")) {
      return Response.text(400, "Bad Request: request target must be an absolute path");
    }
    CharSequence expect = h.get(HttpHeaderNames.EXPECT);
    if (expect != null && !CONTINUE_EXPECTED.contentEqualsIgnoreCase(expect)) {
      return Response.text(417, "Expectation Failed: only 100-continue is supported");
    }
    return null;
  }

  /** The handler's first read of a body whose client waits for 100 Continue. */
  private void continueAtFirstRead(StreamRequest req) {
    sendContinue(req);
    if (req.streamed.awaitingContinue) {
      bodyTimerRestarts(req);
    }
  }

  private void streamClosed(Http2Stream stream) {
    StreamRequest req = stream.removeProperty(key);
    if (req == awaitingPreface) { // closed before the preface came: nothing left to serve
      awaitingPreface = null;
    }
    if (req != null) {
      arrived(req);
      req.closed = true;
      req.releaseBody();
      if (req.granted) { // Netty gave its bytes back to the connection's window
        req.granted = false;
        budget.release(req.claim);
        grantWaiting();
      }
      if (req.streamed != null) { // its unread bytes are dropped; a handler waiting in a read wakes
        req.streamed.fail(new IOException(!ctx.channel().isActive()
            ? "client disconnected before the request body ended"
            : req.resetByClient ? "the client reset the stream (RST_STREAM) before the request body ended"
            : "the stream was reset before the request body ended"));
      }
      if (req.exchange != null && !req.responseComplete) {
        req.exchange.abandon(); // reset or connection gone: stop the work, return its token
      }
    }
    if (connection().numActiveStreams() == 0) {
      idleSince = System.nanoTime();
      if (closing) {
        closeAfterWrites();
      }
    }
  }

  // ---- writes, for the stream codecs; on the event loop only ----

  ChannelHandlerContext context() {
    return ctx;
  }

  ChannelPromise newPromise() {
    return ctx.newPromise();
  }

  /** The rule for which responses may be compressed, or null when the server does not compress. */
  CompressionRule compression() {
    return compression;
  }

  /** The response's head (each stream writes one); a head the client said it cannot take becomes a 500. */
  void writeHeaders(StreamRequest req, Http2Headers headers, boolean endStream, ChannelPromise promise) {
    req.headSent = true;
    if (clientMaxHeaderList != Long.MAX_VALUE) {
      long size = ResponseHeadSize.of(headers);
      if (size > clientMaxHeaderList) {
        replaceOversizedHead(req, headers, size, endStream, promise);
        return;
      }
    }
    if (endStream) {
      req.lastFrame(promise);
    }
    (req.compressed ? encoder() : plain).writeHeaders(ctx, req.id, headers, 0, endStream, promise);
  }

  /**
   * RFC 9113 10.5.1: a client may fail the whole connection over a header block past its
   * SETTINGS_MAX_HEADER_LIST_SIZE (Netty's client does, past 1.25 times it), taking its other
   * streams along. The handler's head is the mistake, so only its stream pays: nothing was sent
   * on it yet, and it gets a bare 500 that ends it; the body that was to follow is dropped (its
   * producer's writes fail, so it stops).
   */
  private void replaceOversizedHead(StreamRequest req, Http2Headers headers, long size, boolean endStream,
      ChannelPromise promise) {
    LOG.log(Level.ERROR, () -> "response head of " + req.headers.method() + " " + req.headers.path() + " (status "
        + headers.status() + ") is " + size + " bytes, more than the client's SETTINGS_MAX_HEADER_LIST_SIZE of "
        + clientMaxHeaderList + ": sent 500 without it");
    req.headReplaced = true;
    ChannelPromise last = endStream ? promise : ctx.newPromise();
    req.lastFrame(last);
    Http2Headers error = new DefaultHttp2Headers(false).status(HttpResponseStatus.INTERNAL_SERVER_ERROR.codeAsText());
    CharSequence date = headers.get(HttpHeaderNames.DATE);
    if (date != null) {
      error.set(HttpHeaderNames.DATE, date);
    }
    error.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    plain.writeHeaders(ctx, req.id, error, 0, true, last);
    if (!endStream) {
      promise.trySuccess(); // the head went, as a 500: what follows is dropped in writeData
    }
  }

  void writeData(StreamRequest req, ByteBuf data, boolean endStream, ChannelPromise promise) {
    if (req.headReplaced) {
      data.release();
      if (endStream) { // the body's end: done when the 500 is
        req.lastFrame.addListener(f -> promise.trySuccess());
      } else {
        promise.tryFailure(new IOException("response head too large for the client: sent 500"));
      }
      return;
    }
    if (endStream) {
      req.lastFrame(promise);
    }
    (req.compressed ? encoder() : plain).writeData(ctx, req.id, data, 0, endStream, promise);
  }

  /**
   * The exchange hands its response over: a body streamed to the handler ends here for it, as on
   * HTTP/1.1 (what is unread, or arrives later, is dropped; the stream is reset after the response
   * if the client is still sending, {@link #responseEnded}).
   */
  void responseStarted(StreamRequest req) {
    if (req.streamed != null) {
      req.streamed.finish();
    }
  }

  /** Flushes now unless a read burst is under way (its end flushes once for every stream). */
  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    super.channelActive(ctx); // the preface, if not sent when added
    widenConnectionWindow();
  }

  /**
   * After the preface: the connection's receive window grows from the protocol's 64 KiB to its
   * body budget ({@link ConnectionBodyBudget}), which is what it bounds.
   */
  private void widenConnectionWindow() {
    if (connectionWindowWidened) {
      return;
    }
    connectionWindowWidened = true;
    Http2Stream connectionStream = connection().connectionStream();
    Http2LocalFlowController flow = connection().local().flowController();
    try {
      flow.incrementWindowSize(connectionStream, budget.window() - flow.initialWindowSize(connectionStream));
      if (flow instanceof DefaultHttp2LocalFlowController local) {
        local.windowUpdateRatio(connectionStream, budget.windowUpdateRatio());
      }
      flushSoon();
    } catch (Http2Exception e) {
      LOG.log(Level.DEBUG, "widening the connection window failed", e);
    }
  }

  void flushSoon() {
    if (!reading) {
      flush(ctx);
    }
  }

  /** Ends the stream with {@code error}; a no-op on a stream that is already closed. */
  void reset(StreamRequest req, Http2Error error) {
    if (!req.closed) {
      resetStream(ctx, req.id, error.code(), ctx.newPromise());
      flushSoon();
    }
  }

  /**
   * The response is out: a request still being sent is not needed any more (RFC 9113 8.1), so the
   * stream is reset with NO_ERROR once the response's last frame is written. Not before: the
   * last DATA may wait in flow control, and a reset overtaking it would cut the response off.
   */
  void responseEnded(StreamRequest req) {
    if (req.requestComplete || !req.responseComplete) {
      return;
    }
    ChannelPromise last = req.lastFrame;
    if (last == null || last.isVoid() || last.isDone()) {
      resetUnneeded(req);
    } else {
      last.addListener(written -> resetUnneeded(req));
    }
  }

  private void resetUnneeded(StreamRequest req) {
    // Netty half-closes the remote side only after the listener returns: ask the request itself.
    if (!req.requestComplete && connection().stream(req.id) != null) {
      resetStream(ctx, req.id, Http2Error.NO_ERROR.code(), ctx.newPromise());
      flushSoon();
    }
  }

  // ---- drain and idle ----

  /**
   * RFC 9113 6.8's first step: GOAWAY naming 2^31-1 tells the client to open no more streams,
   * while those it already sent, unaware, are still accepted; the PING behind it comes back once
   * they have all arrived. A single GOAWAY naming the last stream seen would refuse them, and
   * their requests would be lost or retried for nothing.
   */
  private void drain() {
    if (draining) {
      return;
    }
    draining = true;
    goAway(ctx, Integer.MAX_VALUE, Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER, ctx.newPromise()); // 2^31-1
    encoder().writePing(ctx, false, DRAIN_PING, ctx.newPromise());
    flush(ctx);
    // A client that never acks still gets the final GOAWAY, well within the grace period.
    ackWait = ctx.executor().schedule(this::finalGoAway, ackWaitNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * The second step: GOAWAY naming the last stream the client opened. Those are served; a later
   * one is refused (REFUSED_STREAM, by Netty) and the client may retry it elsewhere. The
   * connection closes once its streams have ended.
   */
  private void finalGoAway() {
    if (closing || !ctx.channel().isActive()) {
      return;
    }
    closing = true;
    if (ackWait != null) {
      ackWait.cancel(false);
    }
    goAway(ctx, connection().remote().lastStreamCreated(), Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER,
        ctx.newPromise());
    flushSoon();
    finalGoAwaySettled();
    if (connection().numActiveStreams() == 0) {
      closeAfterWrites();
    }
  }

  private void finalGoAwaySettled() {
    if (finalGoAwayDue) {
      finalGoAwayDue = false;
      admission.finalGoAwaySent();
    }
  }

  private void closeAfterWrites() {
    var written = ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    if (!written.isDone()) {
      // A client that stopped reading never lets those writes finish: it gets sendTimeout.
      var force = ctx.executor().schedule(() -> ctx.channel().close(), sendNanos, TimeUnit.NANOSECONDS);
      written.addListener(f -> force.cancel(false));
    }
  }

  private void scheduleIdleCheck(long delayNanos) {
    idleCheck = ctx.executor().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
  }

  /** One timer per connection, moved only when it fires: streams coming and going cost nothing. */
  private void checkIdle() {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (connection().numActiveStreams() > (awaitingPreface != null ? 1 : 0)) {
      scheduleIdleCheck(idleNanos);
      return;
    }
    long left = idleSince + idleNanos - System.nanoTime();
    if (left > 0) {
      scheduleIdleCheck(left);
      return;
    }
    if (awaitingPreface != null) {
      ctx.close(); // 101 answered and no HTTP/2 came: the client does not speak it
      return;
    }
    if (draining) {
      return; // the drain under way closes it
    }
    admission.timedOut(Admission.Timeout.KEEP_ALIVE);
    // The drain's two steps: a stream the client opens before it reads the first GOAWAY is served,
    // as it would be a moment earlier; one GOAWAY naming the last stream would refuse it.
    drain();
  }

  /** Netty's iteration, which declares Http2Exception for visitors that throw it; ours do not. */
  private void forEachStream(io.netty.handler.codec.http2.Http2StreamVisitor visitor) {
    try {
      connection().forEachActiveStream(visitor);
    } catch (Http2Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- request bodies that stop coming (slowloris over HTTP/2) ----

  /**
   * {@link System#nanoTime}, read once per read (a burst's frames share it): no clock read per
   * frame, and none at all for requests without a body.
   */
  private long now() {
    if (!reading) {
      return System.nanoTime();
    }
    if (burstNow == 0) {
      burstNow = System.nanoTime();
    }
    return burstNow;
  }

  /**
   * A body must arrive by {@code at}: the connection's one check is moved only if it would look
   * later. Every stream's deadline counts from its own last read with the same period, so a new
   * stream's never comes before the pending check: that costs a comparison per stream.
   */
  private void watchBody(long at) {
    if (bodyCheck != null && !bodyCheck.isDone()) {
      if (bodyCheckAt - at <= 0) {
        return;
      }
      bodyCheck.cancel(false);
    }
    bodyCheckAt = at;
    bodyCheck = ctx.executor().schedule(this::checkBodies, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** When the body of {@code req}, still arriving, times out: HTTP/1.1's rule (ConnectionTimeouts). */
  private long bodyDeadline(StreamRequest req) {
    long idle = req.lastRead + bodyNanos;
    // A trickle resets an idle timer for ever: past its first period the body must average minBodyRate.
    return minBodyRate <= 0 ? idle
        : Math.min(idle, req.bodyStarted + bodyNanos
            + (req.streamed != null ? req.streamed.counted : req.bodySize()) * 1_000_000_000L / minBodyRate);
  }

  /**
   * Whether a body streamed to its handler is on the body timer: not while the server waits on
   * the handler (it holds half the stream's window unread) or the client on the 100 the handler's
   * first read sends, nor once the body failed or the response started.
   */
  private static boolean bodyTimed(StreamedRequestBody body) {
    return body != null && !body.paused && !body.awaitingContinue && !body.done();
  }

  /**
   * Whether the client of {@code req} waits on the server: its stream's initial window is full and
   * the window its body needs is not granted yet (other bodies hold the connection's budget).
   */
  private boolean waitsForWindow(StreamRequest req, Http2Stream stream) {
    return req.awaitingWindow && connection().local().flowController().windowSize(stream) <= 0;
  }

  private void checkBodies() {
    bodyCheck = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    List<StreamRequest> expired = new ArrayList<>(0);
    long[] next = {Long.MAX_VALUE};
    forEachStream(stream -> {
      StreamRequest req = stream.getProperty(key);
      if (req != null && !req.requestComplete && (!req.dispatched || bodyTimed(req.streamed))
          && !waitsForWindow(req, stream)) {
        long at = bodyDeadline(req);
        if (now - at >= 0) {
          expired.add(req);
        } else if (next[0] == Long.MAX_VALUE || at - next[0] < 0) {
          next[0] = at;
        }
      }
      return true;
    });
    for (StreamRequest req : expired) { // outside the iteration: answering may close the stream
      admission.timedOut(Admission.Timeout.BODY_READ);
      if (req.streamed != null) {
        // Its handler runs: its read throws, its answer goes out, then the stream is reset.
        req.streamed.fail(new StreamedBodyFailure(408,
            "request body read timeout: the body stopped arriving (ServerConfig.bodyReadTimeout)"));
        continue;
      }
      req.dispatched = true;
      req.releaseBody();
      // Nothing was sent on it yet: 408, then (the request unfinished) the stream is reset, as 413 is.
      open(req).refuse(new Http2RequestHeaders(req.headers), Response.text(408, "Request Timeout"));
      arrived(req);
    }
    if (next[0] != Long.MAX_VALUE) {
      watchBody(next[0]);
    }
  }

  // ---- response bytes the client does not take (zero-window stall) ----

  /**
   * Response bytes wait: on a stream's window ({@code req} non-null) or on the connection's
   * window or socket. From now on each waiting stream must move once per send timeout. Called
   * by the flow controller's distributor, so only when bytes are actually held back.
   */
  private void sendStalled(StreamRequest req) {
    if (sendWatch != null || ctx == null || !ctx.channel().isActive()) {
      return; // the running watch marks this stream at its next look, a full period before judging it
    }
    if (req != null) {
      req.sendWatched = true;
      req.sendMark = req.sendProgress;
    }
    socket.mark();
    socketMarked = true;
    sendWatch = ctx.executor().schedule(this::checkSends, sendNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Once per send timeout while bytes wait: a stream whose waiting bytes did not move is reset; a
   * socket that took none of the bytes waiting in it closes the connection, as on HTTP/1.1 (no
   * frame, a reset neither, could reach the client, and every stream is stuck behind them).
   */
  private void checkSends() {
    sendWatch = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    boolean[] waiting = {false};
    if (socket.waiting()) {
      boolean stuck = !socket.movedWithin(sendNanos) && socketMarked;
      socketMarked = true;
      if (stuck) {
        admission.timedOut(Admission.Timeout.SEND);
        LOG.log(Level.DEBUG, () -> "HTTP/2 connection " + ctx.channel().remoteAddress()
            + " took no response bytes for the send timeout: closed");
        ctx.channel().close(); // its streams close: their exchanges are abandoned, producers stop
        return;
      }
      waiting[0] = true;
    } else {
      socketMarked = false;
    }
    var flow = connection().remote().flowController();
    List<StreamRequest> stalled = new ArrayList<>(0);
    forEachStream(stream -> {
      StreamRequest req = stream.getProperty(key);
      if (req == null) {
        return true;
      }
      if (!flow.hasFlowControlled(stream)) {
        req.sendWatched = false; // everything was taken: unwatched until bytes wait again
      } else if (req.sendWatched && req.sendProgress == req.sendMark) {
        stalled.add(req);
      } else {
        req.sendWatched = true;
        req.sendMark = req.sendProgress;
        waiting[0] = true;
      }
      return true;
    });
    for (StreamRequest req : stalled) {
      admission.timedOut(Admission.Timeout.SEND);
      // Its queued frames fail (a blocked producer's write throws) and the exchange is abandoned.
      resetStream(ctx, req.id, Http2Error.CANCEL.code(), ctx.newPromise());
    }
    if (!stalled.isEmpty()) {
      flush(ctx);
    }
    if (waiting[0] && sendWatch == null) {
      sendWatch = ctx.executor().schedule(this::checkSends, sendNanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Netty's distributor, told where bytes are held back and what is written: the flow controller
   * calls it on each frame queued and each write, so the send watch costs a few field reads there
   * and nothing else until bytes wait.
   */
  private static final class WatchedDistributor implements StreamByteDistributor, StreamByteDistributor.Writer {
    private final StreamByteDistributor inner;
    private Http2ServerConnection owner; // set once the handler is built
    private Writer writer; // the flow controller's, for the current distribute call

    WatchedDistributor(StreamByteDistributor inner) {
      this.inner = inner;
    }

    @Override
    public void updateStreamableBytes(StreamState state) {
      inner.updateStreamableBytes(state);
      // Bytes past the stream's window wait for a WINDOW_UPDATE.
      if (owner != null && state.pendingBytes() > Math.max(0, state.windowSize())) {
        owner.sendStalled(state.stream().getProperty(owner.key));
      }
    }

    @Override
    public void updateDependencyTree(int childStreamId, int parentStreamId, short weight, boolean exclusive) {
      inner.updateDependencyTree(childStreamId, parentStreamId, weight, exclusive);
    }

    @Override
    public boolean distribute(int maxBytes, Writer writer) throws Http2Exception {
      this.writer = writer;
      boolean more = inner.distribute(maxBytes, this);
      if (more && owner != null) { // held back by the connection's window or the socket
        owner.sendStalled(null);
      }
      return more;
    }

    @Override
    public void write(Http2Stream stream, int numBytes) {
      if (owner != null) {
        StreamRequest req = stream.getProperty(owner.key);
        if (req != null) {
          req.sendProgress++;
        }
      }
      writer.write(stream, numBytes);
    }
  }

  /** One request stream: its head, its body while it arrives, then its exchange. */
  static final class StreamRequest {
    final int id;
    final Http2Headers headers;
    private ByteBuf body;
    Exchange exchange;
    boolean dispatched;
    boolean requestComplete; // the client ended the stream: its whole request arrived
    boolean arriving; // counted in Admission as arriving: its head was read, its body is not complete
    boolean responseComplete; // the last frame was written: a close after it is not an abandon
    boolean headReplaced; // its head was too large for the client: a 500 ended it, the body is dropped
    boolean headSent; // the response's HEADERS were written: no 100 may follow
    long streamLimit = -1; // the limit of its route, which streams its body; -1: read whole
    long claim; // a body read whole past its initial window: the window it needs (content-length, else maxBodySize + 1, and room for padding)
    boolean granted; // that window was opened: its claim counts in the connection's budget until it closes
    boolean awaitingWindow; // in the queue for that window
    boolean continueOwed; // its streamed body's client waits for 100 Continue
    StreamedRequestBody streamed; // its body as its handler reads it, or null
    boolean resetByClient; // RST_STREAM came from the client
    ChannelPromise lastFrame; // the write of that last frame

    void lastFrame(ChannelPromise written) {
      responseComplete = true;
      lastFrame = written;
    }
    long lastRead; // while its body arrives: the last DATA (or the HEADERS)
    long bodyStarted;
    long sendProgress; // frames of it the flow controller wrote
    long sendMark; // sendProgress at the send watch's last look
    boolean sendWatched; // its bytes waited at that look
    boolean routeCompresses; // the server compresses and the route did not turn it off
    boolean compressed; // the server chose a content coding for the response
    volatile boolean closed; // read by producers on lane threads

    StreamRequest(Http2Stream stream, Http2Headers headers) {
      this.id = stream.id();
      this.headers = headers;
    }

    int bodySize() {
      return body == null ? 0 : body.readableBytes();
    }

    void append(io.netty.buffer.ByteBufAllocator alloc, ByteBuf data) {
      if (!data.isReadable()) {
        return;
      }
      if (body == null) {
        body = alloc.heapBuffer(data.readableBytes());
      }
      body.writeBytes(data, data.readerIndex(), data.readableBytes());
    }

    byte[] takeBody() {
      if (body == null) {
        return NO_BODY;
      }
      byte[] bytes = ByteBufUtil.getBytes(body);
      releaseBody();
      return bytes;
    }

    void releaseBody() {
      if (body != null) {
        body.release();
        body = null;
      }
    }
  }

  /** Netty's builder with the server's settings and flood limits. */
  private static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<Http2ServerConnection, Builder> {
    private final CompiledApp app;
    private final ServerConfig config;
    private final Admission admission;
    private final WatchedDistributor distributor;

    Builder(CompiledApp app, ServerConfig config, Admission admission) {
      this.app = app;
      this.config = config;
      this.admission = admission;
      // A server connection (the builder's server(true) may not be combined with connection()).
      // Streams share the connection window evenly: RFC 9113 deprecated the priority tree, and
      // Netty's default weighted-fair distributor keeps a tree node per stream, which costs more
      // than anything else per stream of a small response.
      DefaultHttp2Connection connection = new DefaultHttp2Connection(true, maxReservedStreams());
      distributor = new WatchedDistributor(new UniformStreamByteDistributor(connection));
      connection.remote().flowController(new DefaultHttp2RemoteFlowController(connection, distributor));
      // No auto-refill: the connection's window is its body budget (ConnectionBodyBudget), a byte
      // going back to it once its body is done with; large enough that a body streamed to a
      // handler that does not read holds its own stream's window only, never the others'.
      connection.local().flowController(new DefaultHttp2LocalFlowController(connection,
          DefaultHttp2LocalFlowController.DEFAULT_WINDOW_UPDATE_RATIO, false));
      connection(connection);
      initialSettings(Http2Settings.defaultSettings()
          .maxConcurrentStreams(config.maxConcurrentStreams())
          // What a streamed body holds unread, at most (docs/http2.md): the protocol's 64 KiB
          // would cost a fast handler a round trip per 32 KiB.
          .initialWindowSize(config.streamWindowSize())
          .maxHeaderListSize(headerListSize(config)));
      // Rapid reset (CVE-2023-44487): more than 200 RST_STREAM in 30 s is a connection error.
      decoderEnforceMaxRstFramesPerWindow(200, 30);
      // CONTINUATION flood: the header block is capped by the header list size while it
      // accumulates; on top of that at most 16 small CONTINUATION frames per block.
      decoderEnforceMaxSmallContinuationFrames(16);
      decoderEnforceMaxConsecutiveEmptyDataFrames(2);
      encoderEnforceMaxQueuedControlFrames(10_000);
      decoupleCloseAndGoAway(true);
    }

    /**
     * SETTINGS_MAX_HEADER_LIST_SIZE: HPACK counts 32 bytes more per field and per cookie crumb
     * than HTTP/1.1 counts, so announcing {@code maxHeaderSize} itself would refuse heads
     * HTTP/1.1 serves (Netty answers 431, or fails the connection past 1.25 times it). The
     * announced bound leaves room for that bookkeeping ({@code maxHeaderCount} fields and as many
     * bytes again, a few hundred crumbs); the limits themselves are checked as HTTP/1.1 counts
     * them, {@link Http1HeadSize}.
     */
    private static long headerListSize(ServerConfig config) {
      return 2L * config.maxHeaderSize() + 32L * config.maxHeaderCount();
    }

    @Override
    public Http2ServerConnection build() {
      return super.build();
    }

    @Override
    protected Http2ServerConnection build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
        Http2Settings initialSettings) {
      // The decoder keeps the plain encoder: what it writes (SETTINGS and PING acks) has no body.
      Http2ConnectionEncoder out = config.compression().enabled()
          ? new CompressorHttp2ConnectionEncoder(encoder, ContentCodings.available())
          : encoder;
      Http2ServerConnection handler = new Http2ServerConnection(decoder, out, encoder, initialSettings, app,
          config, admission);
      decoder.frameListener(handler);
      distributor.owner = handler;
      return handler;
    }
  }
}

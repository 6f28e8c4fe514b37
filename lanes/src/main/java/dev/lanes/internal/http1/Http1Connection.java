package dev.lanes.internal.http1;

import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.internal.app.CompiledApp;
import dev.lanes.internal.compression.ContentCodings;
import dev.lanes.internal.exchange.Exchange;
import dev.lanes.internal.server.Admission;
import dev.lanes.internal.websocket.PendingUpgrade;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;

/**
 * One HTTP/1.x connection: its requests are served one {@link Exchange} at a time and in order
 * (pipelined requests wait in a short queue), so responses can never overtake each other.
 * Connection rules live here and in {@link Http1ExchangeCodec} (which decides keep-alive once per
 * response); what happens to one request lives in {@link Exchange}. In-memory responses are
 * flushed once per read burst. Runs only on the connection's event loop; closing the connection
 * abandons the exchange in flight.
 */
final class Http1Connection extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(Http1Connection.class.getName());
  private static final int MAX_PIPELINED = 16;
  private static final byte[] NO_BODY = new byte[0];

  private final CompiledApp app;
  private final Admission admission;
  private final ConnectionTimeouts timeouts;
  private final OneSlotQueue<Pipelined> pipelined = new OneSlotQueue<>();
  private ChannelHandlerContext ctx;
  private final boolean overTls;
  private SslHandler tls; // null: plain TCP, or over TLS before the first request (see tls())
  private ResponseCompressor compressor; // null: the server does not compress
  private RequestDecoder decoder; // null: a pipeline without one (tests)
  private Exchange current; // the exchange whose response is not yet fully handed over
  private StreamedBody streaming; // the streamed body whose contents are arriving, or null
  private StreamedBody served; // the streamed body of the current exchange, or null
  private boolean reading; // inside a read burst: channelReadComplete will flush
  private boolean flushPending;
  private boolean closing;
  private boolean chunkedFiles; // a ChunkedWriteHandler is in the pipeline: every write must pass it

  Http1Connection(CompiledApp app, Admission admission, ConnectionTimeouts timeouts, boolean overTls) {
    this.app = app;
    this.admission = admission;
    this.timeouts = timeouts;
    this.overTls = overTls;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.compressor = ctx.pipeline().get(ResponseCompressor.class);
    this.decoder = ctx.pipeline().get(RequestDecoder.class);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (streaming != null && msg instanceof HttpContent content) {
      StreamedBody body = streaming;
      if (content instanceof LastHttpContent) {
        streaming = null;
      }
      reading = true;
      boolean failed = content.decoderResult().isFailure();
      body.arrived(content); // also after the exchange ended: skipped until the body ends or the connection closes
      timeouts.handedOver();
      if (failed && body.answered() && !closing) {
        // A body being skipped after its answer stalled or went bad: no request can follow it,
        // and no answer is owed for it, so the connection closes (after its response, if still going).
        closing = true;
        if (current == null) {
          closeAfterWrites();
        }
      }
      return;
    }
    if (!(msg instanceof FullHttpRequest || msg instanceof StreamedHead)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    HttpRequest req = (HttpRequest) msg;
    if (compressor != null) {
      compressor.requested(req); // in arrival order, as its responses will pass it
    }
    reading = true;
    if (closing) {
      ReferenceCountUtil.release(req);
      return;
    }
    StreamedBody body = null;
    if (req instanceof StreamedHead head) {
      body = new StreamedBody(ctx.channel(), this, timeouts, head.limit(), HttpUtil.getContentLength(head, -1L),
          HttpUtil.is100ContinueExpected(head) ? this::sendContinue : null);
      streaming = body;
      body.started();
    }
    if (current != null || !pipelined.isEmpty()) {
      pipelined.add(new Pipelined(req, body, timeouts.now()));
      if (pipelined.size() >= MAX_PIPELINED) {
        ctx.channel().config().setAutoRead(false);
      }
    } else {
      serve(req, body, timeouts.now()); // timed from the read that brought it: no clock read of its own
    }
    timeouts.handedOver(); // after serve: an admitted request is in flight before it stops arriving
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    reading = false;
    if (flushPending) {
      flushPending = false;
      ctx.flush();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releasePipelined(); // switched to WebSocket: nothing pipelined behind the upgrade is served
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    // Also a body that ended but is not read yet: its chunks are dropped, its reads fail. The
    // exception only when there is a body: its stack trace costs more than the rest of a close.
    if (streaming != null || served != null) {
      IOException gone = new IOException("client disconnected before the request body was read");
      if (streaming != null) {
        streaming.fail(gone);
        streaming = null;
      }
      if (served != null) {
        served.fail(gone);
        served = null;
      }
    }
    if (current != null) {
      current.abandon(); // the client left: stop the work and free its lane token
    }
    releasePipelined();
    ctx.fireChannelInactive();
  }

  /** Closes once what is written so far has gone out. */
  private void closeAfterWrites() {
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  private void releasePipelined() {
    Pipelined p;
    while ((p = pipelined.poll()) != null) {
      ReferenceCountUtil.release(p.request());
      if (p.body() != null) {
        p.body().fail(new IOException("request not served: the connection ended"));
      }
    }
  }

  /**
   * A request read while another was served, with when it was read ({@link System#nanoTime}): its
   * duration counts from then, the wait behind the requests before it included, as its client's does.
   */
  private record Pipelined(HttpRequest request, StreamedBody body, long readAt) {}

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(Level.DEBUG, () -> "connection " + ctx.channel().remoteAddress() + " failed", cause);
    ctx.close();
  }

  /** Serves {@code req}: a full request, or a {@link StreamedHead} whose body is {@code streamed}. */
  private void serve(HttpRequest req, StreamedBody streamed, long readAt) {
    String method = req.method().name();
    String uri = req.uri(); // RequestValidator checked version, Host and target form
    var codec = new Http1ExchangeCodec(ctx, this, app.lanes(), admission, req.method() == HttpMethod.HEAD,
        req.protocolVersion() != HttpVersion.HTTP_1_0, HttpUtil.isKeepAlive(req), tls() != null, compressor);
    Exchange exchange = Exchange.open(app, admission, codec, ctx.executor(), method, uri, readAt);
    current = exchange;
    DecoderResult decoded = req.decoderResult();
    if (decoded.isFailure()) {
      ReferenceCountUtil.release(req);
      if (!(decoded.cause() instanceof RejectedRequest r && r.status() == 408)) {
        admission.badRequest(); // a body that stopped coming is counted as a timeout instead
      }
      codec.closeAfter();
      exchange.refuse(Http1RequestHeaders.of(req.headers()), rejection(decoded.cause()));
      return;
    }
    int q = uri.indexOf('?');
    String path;
    try {
      path = path(uri, q);
    } catch (IllegalArgumentException e) {
      ReferenceCountUtil.release(req);
      admission.badRequest(); // refused for its syntax, as the decoder's refusals are
      codec.closeAfter();
      exchange.refuse(Http1RequestHeaders.of(req.headers()), Response.text(400, "Bad Request: " + e.getMessage()));
      return;
    }
    if (Http1Upgrade.asked(req)) {
      codec.offer(Http1Upgrade.offered(PendingUpgrade.offer(exchange.scope()), req.headers(), uri));
    }
    if (compressor != null) {
      // Its lines as one list, as Netty's encoder reads them for the GET (a 304 says that GET's tag).
      String acceptEncoding = req.headers().contains(HttpHeaderNames.ACCEPT_ENCODING)
          ? ContentCodings.acceptEncoding(req.headers().getAll(HttpHeaderNames.ACCEPT_ENCODING)) : null;
      codec.compression(app.compressible(method, path), acceptEncoding);
    }
    Request.Builder request = Request.builder(method, path, q < 0 ? "" : uri.substring(q + 1))
        .headers(Http1RequestHeaders.of(req.headers()));
    if (streamed != null) {
      served = streamed;
      request.bodyStream(streamed);
      codec.streamedBody(streamed);
    } else if (req instanceof FullHttpRequest full && full.content().isReadable()) {
      request.body(ByteBufUtil.getBytes(full.content()));
    } else {
      request.body(NO_BODY);
    }
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
      request.remoteAddress(remote);
    }
    if (ctx.channel().localAddress() instanceof InetSocketAddress local) {
      request.localAddress(local); // urlFor's host when the request names none (Starlette's scope["server"])
    }
    if (tls() != null) {
      request.scheme("https").tlsSession(tls.engine().getSession());
    }
    ReferenceCountUtil.release(req);
    if (req instanceof HeadOnlyRequest) {
      codec.closeAfter(); // what follows may be its body, sent anyway, or the next request
      exchange.serveHead(method, path, request);
    } else {
      exchange.serve(method, path, request);
    }
  }

  /** The decoded path of a target, {@code q} the index of its {@code ?} or -1. */
  private static String path(String uri, int q) {
    return uri.equals("*") ? "*" : SafePath.decode(q < 0 ? uri : uri.substring(0, q));
  }

  /**
   * Whether {@code head}, which expects {@code 100 Continue}, gets its final answer without its
   * body ({@link Exchange#answeredFromHead}; a path that cannot be decoded is refused from its
   * head too). Asked by the {@link RequestDecoder} when the head arrives. Not a request that asks
   * to switch protocols: what follows its body is read in the new protocol, so it is read whole.
   */
  boolean answeredFromHead(HttpRequest head) {
    if (head.headers().contains(HttpHeaderNames.UPGRADE)) {
      return false;
    }
    String uri = head.uri();
    String path;
    try {
      path = path(uri, uri.indexOf('?'));
    } catch (IllegalArgumentException e) {
      return true;
    }
    return Exchange.answeredFromHead(app, admission, head.method().name(), path);
  }

  /**
   * The connection's {@code SslHandler}, null on plain TCP. Looked up at the first request, when
   * the handshake is done: with server names it joins the pipeline only once the ClientHello named
   * one (in the SNI handler's place), after this handler was added.
   */
  private SslHandler tls() {
    if (overTls && tls == null) {
      tls = ctx.pipeline().get(SslHandler.class);
    }
    return tls;
  }

  /** Whether the pipeline has a chunked file writer, which queues every write behind its file. */
  boolean writesChunkedFiles() {
    return chunkedFiles;
  }

  /** The codec added a chunked file writer in front of this handler. */
  void chunkedFilesAdded() {
    chunkedFiles = true;
  }

  /** Called by the exchange's codec once its response is fully handed over (or aborted). */
  void exchangeEnded(Http1ExchangeCodec codec) {
    current = null;
    served = null; // its response was written: the codec finished it
    // Kept alive when its head went out, before the server began to drain: the connection ends
    // after this response's last byte all the same, instead of idling on until the drain's end;
    // unless the client already sent more (pipelined, or arriving), which is served as before.
    boolean drainEnds = codec.keepAlive() && admission.isDraining() && pipelined.isEmpty()
        && streaming == null && timeouts.readsNoRequest();
    if (!codec.keepAlive() || !ctx.channel().isActive() || closing || drainEnds) {
      flushPending = false;
      if (codec.keepAlive() && (closing || drainEnds)) {
        closeAfterWrites(); // a skipped body failed meanwhile, or the server drains
      } else {
        ctx.flush();
      }
      closing = true; // the codec closes the connection after the last byte: read nothing more
      return;
    }
    if (reading) {
      flushPending = true;
    } else {
      ctx.flush();
    }
    if (codec.upgradeOffered() && decoder != null) {
      decoder.decodeRestAfterUpgrade(); // not switched: what the client sent behind it is HTTP/1.1
    }
    Pipelined next;
    while (current == null && !closing && (next = pipelined.poll()) != null) {
      serve(next.request(), next.body(), next.readAt());
    }
    if (pipelined.isEmpty() && !ctx.channel().config().isAutoRead()
        && (streaming == null || !streaming.holdsReading()) && !holdsRestAfterUpgrade()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /**
   * The limit of the route that streams {@code head}'s body ({@code RouteOptions.streamedBody}),
   * or -1: its body is read whole. Asked by the {@link RequestDecoder} for a head with a body,
   * routed as {@link #answeredFromHead} routes it. Not a request that asks to switch protocols.
   */
  long streamedLimit(HttpRequest head) {
    if (!app.streamsBodies() || head.headers().contains(HttpHeaderNames.UPGRADE)) {
      return -1;
    }
    String uri = head.uri();
    try {
      return app.streamedBodyLimit(head.method().name(), path(uri, uri.indexOf('?')));
    } catch (IllegalArgumentException e) {
      return -1; // refused for its path when served
    }
  }

  /** Whether reading waits for an upgrade request's answer: the decoder holds all it may of what followed. */
  private boolean holdsRestAfterUpgrade() {
    return decoder != null && decoder.heldFull();
  }

  /** A streamed body's handler took what arrived: the socket is read again, unless the pipeline is full. */
  void streamedBodyResumed() {
    if (pipelined.size() < MAX_PIPELINED && !holdsRestAfterUpgrade()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /**
   * The handler of a streamed request that expects {@code 100 Continue} reads its body for the
   * first time: the 100 goes out now, written from the decoder's place so that it passes the
   * encoder only; or, while an earlier response is still going out (a file sent in chunks
   * outlives its exchange), right behind its last byte, as an aggregated body's held-back 100:
   * in its middle it would break it.
   */
  private void sendContinue() {
    if (!ctx.channel().isActive() || closing) {
      return;
    }
    if (timeouts.awaitsResponses()) {
      timeouts.continueHeldBack();
      return;
    }
    ChannelHandlerContext decoder = ctx.pipeline().context(RequestDecoder.class);
    (decoder != null ? decoder : ctx).writeAndFlush(
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
  }

  private static Response rejection(Throwable cause) {
    if (cause instanceof RejectedRequest bad) {
      return Response.text(bad.status(), bad.getMessage());
    } else if (cause instanceof TooLongHttpLineException) {
      return Response.text(414, "URI Too Long");
    } else if (cause instanceof TooLongHttpHeaderException) {
      return Response.text(431, "Request Header Fields Too Large");
    }
    return Response.text(400, "Bad Request: malformed HTTP request");
  }
}

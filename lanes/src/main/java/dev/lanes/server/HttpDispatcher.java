package dev.lanes.server;

import dev.lanes.App;
import dev.lanes.background.BackgroundTasks;
import dev.lanes.concurrency.LaneRejectedException;
import dev.lanes.http.Request;
import dev.lanes.http.RequestScope;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.internal.observe.RequestTrace;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the requests of one connection, one at a time and in order (pipelined requests wait in
 * a short queue), so responses can never overtake each other. Runs only on the connection's
 * event loop; the handler's future is the only thing that crosses threads, and its completion
 * hops back here before touching connection state. Closing the connection cancels the request
 * in flight.
 */
final class HttpDispatcher extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(HttpDispatcher.class);
  private static final int MAX_PIPELINED = 16;
  private static final byte[] NO_BODY = new byte[0];
  private static final LaneRejectedException BUSY = new LaneRejectedException(
      LaneRejectedException.Reason.SERVER_BUSY, "server at its concurrency limit");

  private final App app;
  private final ServerState state;
  private final ResponseWriter writer;
  private final ArrayDeque<FullHttpRequest> pipelined = new ArrayDeque<>();
  private CompletableFuture<?> inFlight; // the handler, then the body producer, of the current request
  private boolean flushPending;
  private boolean closing;
  private RequestScope scope; // of the request being served
  private boolean chunkedOk = true; // of the current request: HTTP/1.0 clients get no chunks
  private RequestTrace trace = RequestTrace.NONE; // of the request being served

  HttpDispatcher(App app, ServerState state) {
    this.app = app;
    this.state = state;
    this.writer = new ResponseWriter(app.lanes());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (closing) {
      req.release();
      return;
    }
    if (inFlight != null || !pipelined.isEmpty()) {
      pipelined.add(req);
      if (pipelined.size() >= MAX_PIPELINED) {
        ctx.channel().config().setAutoRead(false);
      }
      return;
    }
    handle(ctx, req);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (flushPending) {
      flushPending = false;
      ctx.flush();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    CompletableFuture<?> running = inFlight;
    if (running != null) {
      running.cancel(true); // the client left: stop the work and free its lane token
    }
    if (scope != null) {
      scope.cancel();
    }
    FullHttpRequest r;
    while ((r = pipelined.poll()) != null) {
      r.release();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("connection {} failed", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
    trace = app.observability().startRequest(req.method().name(), req.uri());
    boolean head = req.method() == HttpMethod.HEAD;
    chunkedOk = req.protocolVersion() != HttpVersion.HTTP_1_0;
    DecoderResult decoded = req.decoderResult();
    if (decoded.isFailure()) {
      req.release();
      rejectAndClose(ctx, decoded.cause());
      return;
    }
    String uri = req.uri(); // RequestValidator checked version, Host and target form
    boolean keepAlive = HttpUtil.isKeepAlive(req) && !state.isDraining();
    if (uri.equals("*")) { // OPTIONS *: the server itself, not a resource
      req.release();
      finish(ctx, Response.status(204), keepAlive, head, "");
      return;
    }
    String method = req.method().name();
    int q = uri.indexOf('?');
    String rawPath = q < 0 ? uri : uri.substring(0, q);
    String path;
    try {
      path = SafePath.decode(rawPath);
    } catch (IllegalArgumentException e) {
      req.release();
      finish(ctx, Response.text(400, "Bad Request: " + e.getMessage()), false, head, "");
      return;
    }
    byte[] body = req.content().isReadable() ? ByteBufUtil.getBytes(req.content()) : NO_BODY;
    scope = RequestScope.create();
    Request.Builder request = Request.builder(method, path, q < 0 ? "" : uri.substring(q + 1))
        .headers(new NettyHeaders(req.headers()))
        .body(body)
        .scope(scope);
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
      request.remoteAddress(remote);
    }
    req.release();

    if (!state.tryStartRequest()) {
      // Server-wide limit: answer at once (user exception handlers apply), keep the connection.
      finish(ctx, app.errorResponse(BUSY, method + " " + path), keepAlive, head, "");
      return;
    }
    CompletableFuture<Response> result = serve(method, path, request);
    String where = method + " " + path;
    if (result.isDone()) {
      state.requestEnded();
      finish(ctx, outcome(result, where), keepAlive, head, where);
      return;
    }
    inFlight = result;
    result.whenComplete((r, e) -> {
      if (ctx.executor().inEventLoop()) {
        completed(ctx, result, where, keepAlive, head);
      } else {
        ctx.executor().execute(() -> completed(ctx, result, where, keepAlive, head));
      }
    });
  }

  private CompletableFuture<Response> serve(String method, String path, Request.Builder request) {
    try {
      return app.serve(method, path, request, trace);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void completed(ChannelHandlerContext ctx, CompletableFuture<Response> result, String where,
      boolean keepAlive, boolean head) {
    inFlight = null;
    state.requestEnded();
    if (closing) {
      trace.abandoned();
      if (result.getNow(null) instanceof Response r && r.body() instanceof ResponseBody.Written w) {
        w.writer().abandon(); // never sent: its producer's source is still open
      }
      return;
    }
    finish(ctx, outcome(result, where), keepAlive && !state.isDraining(), head, where);
    if (flushPending) {
      flushPending = false;
      ctx.flush();
    }
  }

  private Response outcome(CompletableFuture<Response> result, String where) {
    try {
      Response response = result.getNow(null);
      if (response == null) {
        return app.errorResponse(new IllegalStateException("handler returned null instead of a Response"), where);
      }
      return response;
    } catch (CompletionException | CancellationException e) {
      return app.errorResponse(e, where);
    }
  }

  /**
   * Writes the response (an in-memory one is flushed at the end of this read burst), then serves
   * what was pipelined; a produced body holds the connection until it ends.
   */
  private void finish(ChannelHandlerContext ctx, Response response, boolean keepAliveWanted, boolean head,
      String where) {
    // An HTTP/1.0 client cannot read chunks: a body of unknown length is ended by closing.
    boolean keepAlive = keepAliveWanted && (chunkedOk || head || response.body().length() >= 0);
    // Identity check first: almost every response carries NONE, and isEmpty() takes a lock.
    Runnable afterSent = response.background() == BackgroundTasks.NONE || response.background().isEmpty() ? null
        : () -> app.background().run(response.background(), where, ctx.executor());
    CompletableFuture<Void> body = writer.write(ctx, response, keepAlive, head, chunkedOk, afterSent);
    RequestScope ending = scope;
    scope = null;
    RequestTrace traced = trace;
    // A produced body ends through the loop's queue even if it is already done: its producer
    // queued its bytes there, and the next response must not overtake them.
    if (body != ResponseWriter.DONE) {
      traced.responded(response.status());
      if (ending != null) {
        body.whenComplete((v, e) -> ending.close());
      }
      if (traced != RequestTrace.NONE) {
        body.whenComplete((v, e) -> traced.bodyEnded(e == null));
      }
      inFlight = body;
      state.bodyStarted();
      body.whenComplete((v, e) -> {
        state.bodyEnded();
        ctx.executor().execute(() -> bodyEnded(ctx, e, keepAlive, head, where));
      });
      return;
    }
    if (ending != null) {
      ending.close();
    }
    traced.respondedAndEnded(response.status());
    if (!keepAlive) {
      closing = true;
      flushPending = false;
      ctx.flush();
      return;
    }
    flushPending = true;
    serveNext(ctx);
  }

  private void bodyEnded(ChannelHandlerContext ctx, Throwable error, boolean keepAlive, boolean head,
      String where) {
    inFlight = null;
    if (error != null) {
      bodyFailed(ctx, error, head, where);
      return;
    }
    if (!keepAlive || !ctx.channel().isActive()) {
      closing = true; // the writer closes the connection after the last byte: read nothing more
      return;
    }
    serveNext(ctx);
    if (flushPending) {
      flushPending = false;
      ctx.flush();
    }
  }

  /** A produced body failed: answer instead if nothing was sent yet, else cut the connection. */
  private void bodyFailed(ChannelHandlerContext ctx, Throwable error, boolean head, String where) {
    boolean wasClosing = closing;
    closing = true;
    flushPending = false;
    if (wasClosing || !ctx.channel().isActive()) {
      LOG.debug("response body of {} stopped: client gone", where, error);
      ctx.close();
      return;
    }
    if (error instanceof ProducedBody.NotStarted notStarted) { // body futures fail with the raw cause
      // Its lane refused the producer before any byte went out: a clean error response still fits.
      writer.write(ctx, app.errorResponse(notStarted.getCause(), where), false, head, chunkedOk, null);
      ctx.flush();
      return;
    }
    // Mid-body the status line is gone: the only honest signal left is to cut the connection.
    // Close behind what the producer already queued on this loop (its head and chunks), which a
    // producer that failed at once may not have seen written yet.
    LOG.warn("response body of {} failed; closing the connection", where, error);
    ctx.executor().execute(ctx::close);
  }

  private void serveNext(ChannelHandlerContext ctx) {
    FullHttpRequest next;
    while (inFlight == null && !closing && (next = pipelined.poll()) != null) {
      handle(ctx, next);
    }
    if (pipelined.isEmpty() && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void rejectAndClose(ChannelHandlerContext ctx, Throwable cause) {
    state.badRequest();
    Response r;
    if (cause instanceof BadRequest bad) {
      r = Response.text(bad.status(), bad.getMessage());
    } else if (cause instanceof TooLongHttpLineException) {
      r = Response.text(414, "URI Too Long");
    } else if (cause instanceof TooLongHttpHeaderException) {
      r = Response.text(431, "Request Header Fields Too Large");
    } else {
      r = Response.text(400, "Bad Request: malformed HTTP request");
    }
    finish(ctx, r, false, false, "");
  }
}

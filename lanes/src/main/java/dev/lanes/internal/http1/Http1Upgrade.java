package dev.lanes.internal.http1;

import dev.lanes.http.Response;
import dev.lanes.internal.server.Admission;
import dev.lanes.internal.websocket.PendingUpgrade;
import dev.lanes.internal.websocket.Session;
import dev.lanes.internal.websocket.WebSocketPipeline;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;

/**
 * The switch from HTTP/1.1 to WebSocket on one connection, once a WebSocket route answered 101
 * (RFC 6455 section 4.2). Netty's {@link WebSocketServerHandshaker13} writes the 101 (with the
 * headers middleware added) and puts its frame codec in place of the HTTP codec; the other HTTP
 * handlers (timeouts, validation, aggregation, this connection) leave the pipeline first, and the
 * WebSocket handlers take their place. Not {@code WebSocketServerProtocolHandler}: it upgrades
 * inside the pipeline when a path matches, before routing, middleware and the lane's token.
 */
final class Http1Upgrade {
  private static final System.Logger LOG = System.getLogger(Http1Upgrade.class.getName());

  private final PendingUpgrade pending;
  private final HttpHeaders requestHeaders;
  private final String uri;

  private Http1Upgrade(PendingUpgrade pending, HttpHeaders requestHeaders, String uri) {
    this.pending = pending;
    this.requestHeaders = requestHeaders;
    this.uri = uri;
  }

  /**
   * Whether {@code req} asks to become a WebSocket: an HTTP/1.1 GET with {@code Upgrade: websocket}.
   * Upgrade in an HTTP/1.0 request is ignored (RFC 9110 section 7.8).
   */
  static boolean asked(HttpRequest req) {
    return req.method() == HttpMethod.GET
        && req.protocolVersion().equals(HttpVersion.HTTP_1_1)
        && req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }

  static Http1Upgrade offered(PendingUpgrade pending, HttpHeaders requestHeaders, String uri) {
    return new Http1Upgrade(pending, requestHeaders, uri);
  }

  /** Whether {@code response} is a WebSocket route's 101 for this request. */
  boolean accepts(Response response) {
    return response.status() == 101 && pending.accepted().isPresent();
  }

  /**
   * Writes the 101 and switches the pipeline; the session starts once the 101 is written. Nothing
   * thrown here leaves the session waiting (a blocking one holds its lane token until it learns):
   * it is told it never opened, and the connection, perhaps half switched, is closed.
   */
  void switchProtocols(ChannelHandlerContext ctx, Response response, List<String> httpHandlers,
      Admission admission) {
    Session session = pending.accepted().orElseThrow();
    // Counted while the upgrade request is still in flight: a drain finds no gap between the two.
    admission.sessionOpened();
    session.handlerEnded().whenComplete((v, e) -> admission.sessionEnded());
    try {
      switchTo(ctx, response, httpHandlers, session);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "WebSocket upgrade of " + uri + " failed; closing the connection", e);
      session.notOpened(e);
      ctx.channel().close();
    }
  }

  private void switchTo(ChannelHandlerContext ctx, Response response, List<String> httpHandlers, Session session) {
    // Negotiated before switching(): whatever the client offered, the session is not yet promised.
    WebSocketPipeline ws = WebSocketPipeline.negotiate(session,
        requestHeaders.getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS));
    HttpHeaders extra = new DefaultHttpHeaders();
    for (Map.Entry<String, String> h : response.headers()) {
      extra.add(h.getKey(), h.getValue());
    }
    ws.extensionsHeader().ifPresent(v -> extra.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, v));
    // The route's agreed subprotocol, or none: never one the client did not offer (RFC 6455 4.1).
    extra.remove(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
    session.subprotocol().ifPresent(v -> extra.set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, v));
    extra.set(HttpHeaderNames.DATE, DateHeader.now());
    pending.switching();
    ChannelPipeline p = ctx.pipeline();
    for (String name : httpHandlers) {
      if (p.get(name) != null) {
        p.remove(name);
      }
    }
    RequestDecoder decoder = p.get(RequestDecoder.class);
    if (decoder != null && decoder.holdsBytesAfterUpgrade()) {
      // Sent behind the upgrade request: the session's first frames, handed to the frame decoder
      // in the HTTP decoder's place, wait there unread until the session starts (FrameHandler).
      ctx.channel().config().setAutoRead(false);
    }
    ws.install(p);
    p.remove(ctx.handler()); // this connection: from here on the WebSocket handlers own it
    ChannelPromise written = ctx.channel().newPromise();
    written.addListener(f -> {
      if (f.isSuccess()) {
        ws.opened();
      } else {
        ws.failed(f.cause());
        ctx.channel().close();
      }
    });
    try {
      ws.handshaker(uri).handshake(ctx.channel(),
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER,
              requestHeaders, EmptyHttpHeaders.INSTANCE), extra, written);
    } catch (RuntimeException e) { // a handshake header the route's checks let through
      written.tryFailure(e);
    }
  }
}

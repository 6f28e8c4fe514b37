package dev.lanes.internal.http2;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * h2c by {@code Upgrade} (RFC 7540 3.2): looks at a cleartext connection's first request only
 * (then leaves the pipeline, so later requests pay nothing). A request that validated as
 * HTTP/1.1 and asks {@code Upgrade: h2c} with one {@code HTTP2-Settings} named in
 * {@code Connection} is answered {@code 101 Switching Protocols}; the HTTP/1.1 handlers are
 * replaced by an HTTP/2 connection (Netty's {@link Http2ServerUpgradeCodec} applies the client's
 * settings and opens stream 1), and the request is served as stream 1. Anything else is served
 * as HTTP/1.1, as the RFC allows a server to ignore an upgrade.
 */
final class H2cUpgrade extends ChannelInboundHandlerAdapter {
  private final Supplier<Http2ServerConnection> http2;
  private final List<String> http1Handlers;
  private List<Object> handedOver; // while switching: what the HTTP/1.1 decoder held past the request

  H2cUpgrade(Supplier<Http2ServerConnection> http2, List<String> http1Handlers) {
    this.http2 = http2;
    this.http1Handlers = http1Handlers;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (handedOver != null) {
      // The HTTP/1.1 decoder, removed, passes on the bytes it read past the upgrade request (a
      // client that sent its preface without waiting for the 101): HTTP/2's, once it is in place.
      handedOver.add(msg);
      return;
    }
    if (msg instanceof FullHttpRequest req && req.decoderResult().isSuccess() && asksH2c(req.headers())
        && upgrade(ctx, req)) {
      return;
    }
    ctx.pipeline().remove(this);
    ctx.fireChannelRead(msg);
  }

  static boolean asksH2c(HttpHeaders h) {
    if (h.getAll(Http2CodecUtil.HTTP_UPGRADE_SETTINGS_HEADER).size() != 1) {
      return false;
    }
    List<String> upgrade = tokens(h.getAll(HttpHeaderNames.UPGRADE));
    List<String> connection = tokens(h.getAll(HttpHeaderNames.CONNECTION));
    return upgrade.size() == 1 && upgrade.get(0).equals("h2c")
        && connection.contains("upgrade") && connection.contains("http2-settings");
  }

  private static List<String> tokens(List<String> values) {
    return values.stream().flatMap(v -> List.of(v.split(",")).stream())
        .map(t -> t.trim().toLowerCase(Locale.ROOT)).filter(t -> !t.isEmpty()).toList();
  }

  private boolean upgrade(ChannelHandlerContext ctx, FullHttpRequest req) {
    Http2ServerConnection connection = http2.get();
    var codec = new Http2ServerUpgradeCodec(Http2Pipeline.HANDLER, connection);
    if (!codec.prepareUpgradeResponse(ctx, req, new DefaultHttpHeaders())) {
      return false; // HTTP2-Settings did not decode: serve the request as HTTP/1.1
    }
    var switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS,
        Unpooled.EMPTY_BUFFER);
    switching.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
        .set(HttpHeaderNames.UPGRADE, "h2c");
    // Through the HTTP/1.1 encoder, which goes right after: the 101 precedes every HTTP/2 frame.
    ctx.writeAndFlush(switching).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    handedOver = new ArrayList<>(1);
    try {
      Http2Pipeline.removeHttp1(ctx.pipeline(), http1Handlers.stream()
          .filter(n -> !n.equals(ctx.name())).toList());
      codec.upgradeTo(ctx, req); // adds the HTTP/2 handler after this one, opens stream 1
      connection.serveUpgrade(req);
      List<Object> bytes = handedOver;
      handedOver = null;
      for (Object b : bytes) {
        ctx.fireChannelRead(b);
      }
      ctx.pipeline().remove(this);
    } finally {
      req.release();
      if (handedOver != null) { // the switch failed: nobody will read them
        handedOver.forEach(ReferenceCountUtil::release);
        handedOver = null;
      }
    }
    return true;
  }
}

package dev.lanes.internal.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;
import java.util.function.Supplier;

/**
 * h2c by prior knowledge (RFC 9113 3.3): looks at a cleartext connection's first bytes. If they
 * are the HTTP/2 connection preface ({@code PRI * HTTP/2.0...}) the HTTP/1.1 handlers are
 * replaced by an HTTP/2 connection, which reads the preface itself; at the first byte that
 * differs (an HTTP/1.1 request differs at its first or second byte) this handler leaves the
 * pipeline and the bytes go on to HTTP/1.1 untouched. Costs nothing after the first read.
 */
final class H2cPriorKnowledge extends ChannelInboundHandlerAdapter {
  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

  private final Supplier<Http2ServerConnection> http2;
  private final List<String> http1Handlers;
  private ByteBuf buffered; // a preface split across reads: what has come so far

  H2cPriorKnowledge(Supplier<Http2ServerConnection> http2, List<String> http1Handlers) {
    this.http2 = http2;
    this.http1Handlers = http1Handlers;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf all = in;
    if (buffered != null) {
      all = buffered.writeBytes(in);
      in.release();
      buffered = null;
    }
    int n = Math.min(all.readableBytes(), PREFACE.readableBytes());
    if (!ByteBufUtil.equals(PREFACE, PREFACE.readerIndex(), all, all.readerIndex(), n)) {
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(all);
      return;
    }
    if (n < PREFACE.readableBytes()) {
      buffered = ctx.alloc().buffer(PREFACE.readableBytes()).writeBytes(all);
      all.release();
      return;
    }
    Http2Pipeline.removeHttp1(ctx.pipeline(), http1Handlers);
    ctx.pipeline().addAfter(ctx.name(), Http2Pipeline.HANDLER, http2.get());
    ctx.fireChannelRead(all);
    ctx.pipeline().remove(this);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (buffered != null) {
      buffered.release();
      buffered = null;
    }
  }
}

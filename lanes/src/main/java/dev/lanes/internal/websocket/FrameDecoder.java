package dev.lanes.internal.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Netty's frame decoder, with two more checks. A bad close frame: Netty fails the connection on
 * a close code the peer may not send or a reason that is not UTF-8, but once it has seen a close
 * frame it drops the TCP connection without a close frame of its own. RFC 6455 wants one (5.5.1:
 * a close answers a close; 7.1.7: failing sends a close frame with the reason's code), so this
 * one says {@code 1002} for the code (7.4.1) or {@code 1007} for the reason (8.1) before closing.
 * And reserved bits: once permessage-deflate lets them through, Netty takes any RSV bit on any
 * frame, though RSV1 means "compressed" on a message's first frame only (RFC 7692 6.1) and the
 * others mean nothing; those fail with {@code 1002} (RFC 6455 5.2).
 *
 * <p>And pausing: while reading is paused (auto-read off: the session's handler is behind), no
 * more frames are decoded; the rest of the read waits here, undecoded, until the
 * {@link FrameHandler} resumes with {@link #RESUME}. Stopping the socket alone would still decode
 * the whole read that filled the queue, and one 64 KiB read of permessage-deflate frames can hold
 * some 60 messages that each inflate to the message limit.
 */
final class FrameDecoder extends WebSocket13FrameDecoder {
  /** The user event that has the decoder go on with the bytes it held while reading was paused. */
  static final Object RESUME = new Object() {
    @Override
    public String toString() {
      return "FrameDecoder.RESUME";
    }
  };
  private static final int RSV1 = 0x4;
  private boolean failed;

  FrameDecoder(WebSocketDecoderConfig config) {
    super(config);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (!ctx.channel().config().isAutoRead()) {
      return; // paused: the bytes stay in the decoder's buffer, released with it on close
    }
    int before = out.size();
    super.decode(ctx, in, out);
    for (int i = before; i < out.size(); i++) {
      if (out.get(i) instanceof WebSocketFrame frame && !reservedBitsAllowed(frame)) {
        for (Object decoded : out.subList(before, out.size())) {
          ReferenceCountUtil.release(decoded);
        }
        out.subList(before, out.size()).clear();
        failed = true;
        in.skipBytes(in.readableBytes());
        fail(ctx, WebSocketCloseStatus.PROTOCOL_ERROR, "reserved bits set");
      }
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt != RESUME) {
      super.userEventTriggered(ctx, evt);
    } else if (ctx.channel().config().isAutoRead() && internalBuffer().isReadable()) {
      // Decodes what is held as a read would, its end included even when it fails: the handlers
      // after flush what they wrote during a read at its end.
      try {
        channelRead(ctx, Unpooled.EMPTY_BUFFER);
      } catch (Exception e) {
        exceptionCaught(ctx, e);
      }
      channelReadComplete(ctx);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().config().isAutoRead()) {
      super.channelReadComplete(ctx);
    } else {
      // Paused: a read that decoded no frame would have ByteToMessageDecoder read again for one,
      // and again, each read's bytes held here: paused reading would not be paused.
      ctx.fireChannelReadComplete();
    }
  }

  private static boolean reservedBitsAllowed(WebSocketFrame frame) {
    boolean firstDataFrame = frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame;
    return (frame.rsv() & ~(firstDataFrame ? RSV1 : 0)) == 0;
  }

  @Override
  protected void checkCloseFrameBody(ChannelHandlerContext ctx, ByteBuf body) {
    if (body != null && body.readableBytes() >= 2) { // shorter: Netty's own checks answer
      int code = body.getUnsignedShort(body.readerIndex());
      if (!WebSocketCloseStatus.isValidStatusCode(code)) {
        fail(ctx, WebSocketCloseStatus.PROTOCOL_ERROR, "invalid close code " + code);
      }
      if (!utf8(body)) {
        fail(ctx, WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "close reason not UTF-8");
      }
    }
    super.checkCloseFrameBody(ctx, body);
  }

  private static boolean utf8(ByteBuf body) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(body.nioBuffer(body.readerIndex() + 2, body.readableBytes() - 2));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Answers with {@code status}, then closes; the exception tells the FrameHandler the end's code. */
  private static void fail(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
    if (ctx.channel().isActive()) {
      ctx.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE);
    }
    // The decoder skips everything after a close frame, so nothing more is decoded.
    throw new CorruptedWebSocketFrameException(status, reason);
  }
}

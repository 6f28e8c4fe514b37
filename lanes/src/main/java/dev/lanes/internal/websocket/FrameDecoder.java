package dev.lanes.internal.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Netty's frame decoder, except for a bad close frame. Netty fails the connection on a close code
 * the peer may not send or a reason that is not UTF-8, but once it has seen a close frame it
 * drops the TCP connection without a close frame of its own. RFC 6455 wants one (5.5.1: a close
 * answers a close; 7.1.7: failing sends a close frame with the reason's code), so this one says
 * {@code 1002} for the code (7.4.1) or {@code 1007} for the reason (8.1) before closing.
 */
final class FrameDecoder extends WebSocket13FrameDecoder {
  FrameDecoder(WebSocketDecoderConfig config) {
    super(config);
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

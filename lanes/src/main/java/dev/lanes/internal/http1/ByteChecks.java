package dev.lanes.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The pipeline handler in front of the HTTP codec: every byte read goes to the connection's read
 * timers ({@link ConnectionTimeouts}) and then through the chunk-size line check
 * ({@link ChunkLineCheck}), which hands it on to the codec. One handler for both, so a read
 * crosses one pipeline hop on its way to the codec, not two.
 */
final class ByteChecks extends ChannelInboundHandlerAdapter {
  private final ConnectionTimeouts timeouts;
  private final ChunkLineCheck chunkLines;

  ByteChecks(ConnectionTimeouts timeouts, ChunkLineCheck chunkLines) {
    this.timeouts = timeouts;
    this.chunkLines = chunkLines;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    timeouts.start(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      timeouts.bytesRead(buf);
      chunkLines.read(ctx, buf);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    timeouts.stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    timeouts.removed();
  }
}

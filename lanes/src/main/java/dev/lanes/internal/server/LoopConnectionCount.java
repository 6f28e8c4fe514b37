package dev.lanes.internal.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Internal, not for users: tells a {@link ServerLoop} that counts its own connections when one is
 * registered on it and when it leaves. For io_uring, whose channels Netty 4.2.18 never takes out
 * of the loop's registration count. Both events run as loop tasks, outside the loop's I/O run, as
 * Netty's own count changes.
 *
 * <pre>{@code pipeline.addFirst("loop-count", LoopConnectionCount.INSTANCE); }</pre>
 */
@ChannelHandler.Sharable
final class LoopConnectionCount extends ChannelInboundHandlerAdapter {
  static final LoopConnectionCount INSTANCE = new LoopConnectionCount();

  private LoopConnectionCount() {}

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().eventLoop() instanceof ServerLoop loop) {
      loop.connectionRegistered();
    }
  }

  @Override
  public void channelUnregistered(ChannelHandlerContext ctx) {
    if (ctx.channel().eventLoop() instanceof ServerLoop loop) {
      loop.connectionUnregistered();
    }
    ctx.fireChannelUnregistered();
  }
}

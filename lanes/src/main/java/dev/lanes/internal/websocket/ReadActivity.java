package dev.lanes.internal.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The first handler of a WebSocket connection: tells the {@link FrameHandler} that the peer sent
 * bytes, before any frame is decoded. A peer slowly sending one large frame cannot answer a ping
 * until the frame is done (control frames go between frames), yet is plainly alive; judging
 * liveness by whole frames would cut it off. One field write per read, nothing else.
 */
final class ReadActivity extends ChannelInboundHandlerAdapter {
  private final FrameHandler frames;

  ReadActivity(FrameHandler frames) {
    this.frames = frames;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    frames.peerSentBytes();
    ctx.fireChannelRead(msg);
  }
}

package dev.lanes.internal.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Internal, not for users: first in the pipeline of every io_uring connection, it lets no read
 * begin once a close was asked for. Netty 4.2.18's io_uring channel delays a close while a write is
 * in flight, and a read asked for in that window arms a poll on the socket after the close
 * cancelled the others; the descriptor is then closed but that poll keeps the socket, so the
 * client never sees the connection end (a failed TLS handshake, a GOAWAY, a WebSocket close).
 * Stopping reads at the close, and clearing the one already asked for, arms nothing new.
 *
 * <pre>{@code pipeline.addFirst("reads-end-at-close", new ReadsEndAtClose()); }</pre>
 */
final class ReadsEndAtClose extends ChannelOutboundHandlerAdapter {
  private boolean closing;

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (!closing) {
      ctx.read();
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (!closing) {
      closing = true;
      // Clears a read asked for before the close; Netty would arm it again when the close's
      // cancellation of the read in flight completes.
      ctx.channel().config().setAutoRead(false);
    }
    ctx.close(promise);
  }
}

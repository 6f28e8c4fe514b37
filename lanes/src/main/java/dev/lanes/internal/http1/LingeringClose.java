package dev.lanes.internal.http1;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after an answer sent while its client may still be sending the request's
 * body (a request refused from its head: 413 for a declared length, 417, a bad head; a streamed
 * body's handler that answered with too much of it left to skip): the answer goes out,
 * then a FIN, and what still arrives is read and dropped until the client closes, or for at most
 * {@link #IDLE_NANOS} without a byte and {@link #MAX_NANOS} in all. A plain close with the body's
 * bytes unread would reset the connection, and a client that reads only once its body is sent
 * (Python's {@code http.client}, say) would get the reset instead of the answer. nginx's
 * lingering close does the same (its {@code lingering_timeout} 5 s, {@code lingering_time} 30 s).
 * Over TLS the {@code close_notify} goes before the FIN (a bare FIN would end the TLS stream
 * without it), and the client's records are dropped as they arrive, undecrypted: the linger sits
 * ahead of the {@link SslHandler}.
 */
final class LingeringClose extends ChannelInboundHandlerAdapter {
  static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(2);
  static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(30);
  /**
   * The user event that tells the connection's handlers it lingers: the request's timers stop (a
   * body read timer would otherwise take the client's still-arriving body for a stalled one).
   */
  static final Object STARTED = new Object() {
    @Override
    public String toString() {
      return "LingeringClose.STARTED";
    }
  };

  private final long started = System.nanoTime();
  private long lastRead = started;

  private LingeringClose() {}

  /** Closes {@code lastWrite}'s channel once that write is done, lingering as above. */
  static void after(ChannelFuture lastWrite) {
    lastWrite.addListener(written -> {
      Channel ch = lastWrite.channel();
      if (!written.isSuccess() || !ch.isActive() || !(ch instanceof DuplexChannel duplex)) {
        ch.close();
        return;
      }
      LingeringClose linger = new LingeringClose();
      ch.pipeline().addFirst(linger); // the bytes go nowhere: no decoder (nor TLS engine) sees them again
      ch.pipeline().fireUserEventTriggered(STARTED); // only this bounds the connection now
      SslHandler tls = ch.pipeline().get(SslHandler.class);
      if (tls == null) {
        duplex.shutdownOutput().addListener(shut -> {
          if (shut.isSuccess()) {
            linger.drop(ch);
          } else {
            ch.close();
          }
        });
        return;
      }
      // The TLS stream's own end goes before the FIN: a client reading to a FIN without it sees a
      // truncation. Its flush may wait for a client that reads only once its body is sent, so
      // the dropping (and its bounds) starts now rather than once it is out.
      linger.drop(ch);
      tls.closeOutbound().addListener(notified -> {
        if (notified.isSuccess()) {
          duplex.shutdownOutput();
        } else {
          ch.close();
        }
      });
    });
  }

  /** Reads and drops until the client closes or a bound passes. */
  private void drop(Channel ch) {
    ch.config().setAutoRead(true);
    ch.read();
    check(ch);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
    lastRead = System.nanoTime();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Nobody after this handler reads any more: keep the reads going.
  }

  /** Closes once the client has been quiet for the idle period, or lingered the most; else looks again then. */
  private void check(Channel ch) {
    if (!ch.isActive()) {
      return;
    }
    long now = System.nanoTime();
    long at = Math.min(lastRead + IDLE_NANOS, started + MAX_NANOS);
    if (now - at >= 0) {
      ch.close();
      return;
    }
    ch.eventLoop().schedule(() -> check(ch), at - now, TimeUnit.NANOSECONDS);
  }
}

package dev.lanes.internal.http1;

import dev.lanes.internal.exchange.BodyOutput;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * The stream a blocking body writer writes to, from a lane thread. Each write becomes one HTTP
 * chunk, flushed at once. When the socket cannot take more (Netty's high-water mark) the writer
 * waits for that write to drain, so a slow client costs at most one chunk plus the water mark of
 * memory, not the body's size. A closed connection or an interrupt (the request was cancelled)
 * ends the writer with an IOException.
 */
final class ChannelBodyStream extends BodyOutput {
  private final Channel channel;
  private volatile long limit = -1; // the declared Content-Length, or -1 for a chunked body
  private long written;
  private boolean closed;

  ChannelBodyStream(Channel channel) {
    super(channel.eventLoop().ticker());
    this.channel = channel;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("body stream closed");
    }
    if (len == 0) {
      return;
    }
    if (!channel.isActive()) {
      throw new IOException("client disconnected");
    }
    if (limit >= 0 && written + len > limit) {
      // Bytes past the declared length would be read as the next response on this connection.
      throw new IOException("body writer exceeded its declared length of " + limit + " bytes");
    }
    written += len;
    touch();
    ByteBuf buf = channel.alloc().buffer(len).writeBytes(b, off, len);
    ChannelFuture written = channel.writeAndFlush(new DefaultHttpContent(buf));
    if (!channel.isWritable()) {
      try {
        written.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("request cancelled");
      }
      if (!written.isSuccess()) {
        throw new IOException("client disconnected", written.cause());
      }
    }
  }

  /** Caps the body at its declared length ({@code -1}: none). */
  void limit(long length) {
    this.limit = length;
  }

  @Override
  public synchronized long written() {
    return written;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}

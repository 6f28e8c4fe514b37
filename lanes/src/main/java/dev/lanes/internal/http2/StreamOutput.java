package dev.lanes.internal.http2;

import dev.lanes.internal.exchange.BodyOutput;
import dev.lanes.internal.http2.Http2ServerConnection.StreamRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPromise;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The stream a blocking body writer writes to, from a lane thread, for one HTTP/2 stream. Each
 * write becomes a DATA frame queued on the loop. A frame counts as pending until it has reached
 * the socket, which it cannot before the stream's and the connection's flow-control windows let
 * it; past {@link #MAX_PENDING} bytes the writer waits. So a client that reads slowly (or does not
 * open its window) stops this producer only, at a bounded cost in memory, while the connection's
 * other streams go on; one that takes nothing for {@code sendTimeout} has the stream reset by the
 * connection's send watch. A reset stream or an interrupt (the request was cancelled) ends the
 * writer with an IOException.
 */
final class StreamOutput extends BodyOutput {
  /** Bytes queued but not yet written, past which the writer waits: one default HTTP/2 window. */
  static final int MAX_PENDING = 64 * 1024;

  private final Http2ServerConnection connection;
  private final StreamRequest stream;
  private final ReentrantLock lock = new ReentrantLock(); // not synchronized: lane threads may be virtual
  private final Condition drained = lock.newCondition();
  private long pending;
  private boolean failed;
  private final long limit; // the declared length, or -1
  private long written;
  private boolean closed;

  StreamOutput(Http2ServerConnection connection, StreamRequest stream, long limit) {
    super(connection.context().executor().ticker());
    this.connection = connection;
    this.stream = stream;
    this.limit = limit;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    lock.lock();
    try {
      if (closed) {
        throw new IOException("body stream closed");
      }
      if (len == 0) {
        return;
      }
      if (stream.closed || failed) {
        throw new IOException("stream reset or client disconnected");
      }
      if (limit >= 0 && written + len > limit) {
        throw new IOException("body writer exceeded its declared length of " + limit + " bytes");
      }
      written += len;
      pending += len;
    } finally {
      lock.unlock();
    }
    touch();
    ByteBuf buf = connection.context().alloc().buffer(len).writeBytes(b, off, len);
    connection.context().executor().execute(() -> {
      ChannelPromise promise = connection.newPromise();
      promise.addListener(f -> sent(len, f.isSuccess()));
      connection.writeData(stream, buf, false, promise);
      connection.flushSoon();
    });
    lock.lock();
    try {
      while (pending > MAX_PENDING && !failed) {
        drained.await();
      }
      if (failed) {
        throw new IOException("stream reset or client disconnected");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("request cancelled");
    } finally {
      lock.unlock();
    }
  }

  private void sent(int len, boolean ok) {
    lock.lock();
    try {
      pending -= len;
      failed |= !ok;
      drained.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long written() {
    lock.lock();
    try {
      return written;
    } finally {
      lock.unlock();
    }
  }

  /** Nothing queued and nothing written for a while: the stream is quiet. */
  boolean idle() {
    lock.lock();
    try {
      return pending == 0;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
  }
}

package dev.lanes.internal.exchange;

import dev.lanes.internal.http.StreamedBodyFailure;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Internal, not for users: a request body its handler reads as it arrives
 * ({@code RouteOptions.streamedBody}), whatever the protocol. The connection's event loop adds the
 * chunks; the handler's thread takes them, waiting while none are there. Each protocol adds its
 * own backpressure around this (HTTP/1.1 stops reading the socket, HTTP/2 holds the stream's
 * window) and its own end of the body.
 *
 * <p>The chunks and the body's state are shared between the loop and the reading thread under
 * {@link #lock}; a subclass keeps its shared fields under it too.
 *
 * <pre>{@code int n = body.read(buffer, 0, buffer.length); // on the handler's thread }</pre>
 */
public abstract class ArrivingBody extends InputStream {
  protected final ReentrantLock lock = new ReentrantLock();
  protected final Condition changed = lock.newCondition();
  private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
  protected int buffered; // bytes arrived and not yet read
  protected boolean ended; // its last bytes arrived
  protected boolean finished; // the exchange answered: whatever arrives is dropped
  protected boolean closed; // the handler closed the stream
  protected IOException failure;

  /** The reader's refusal on the event loop: it would wait for bytes only that thread delivers. */
  protected static IllegalStateException readOnTheLoop() {
    return new IllegalStateException("a streamed request body (RouteOptions.streamedBody) is read in its"
        + " blocking handler, not on the event loop (middleware, async code), which delivers its bytes");
  }

  /** Under the lock: keeps {@code data} (taken over, readable) for the reader. */
  protected final void addChunk(ByteBuf data) {
    chunks.add(data);
    buffered += data.readableBytes();
  }

  /** Under the lock: drops what was not read. */
  protected final void dropBuffered() {
    ByteBuf b;
    while ((b = chunks.poll()) != null) {
      b.release();
    }
    buffered = 0;
  }

  /**
   * Under the lock: waits for bytes, then copies up to {@code len} ({@code > 0}) of them from as
   * many chunks as there are, so that a large read is one wake-up and one lock, not one per chunk;
   * -1 once the body ended and was read.
   *
   * @throws IOException the body's failure, or the stream closed or its exchange answered
   */
  protected final int awaitAndTake(byte[] b, int off, int len) throws IOException {
    while (chunks.isEmpty() && !ended && failure == null && !finished && !closed) {
      try {
        changed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("request cancelled while reading its body");
      }
    }
    if (closed) {
      throw new IOException("request body stream closed");
    }
    if (failure != null) {
      throw failure instanceof StreamedBodyFailure f ? f.again() : new IOException(failure.getMessage(), failure);
    }
    if (finished) {
      throw new IOException("request body read after the response was sent");
    }
    if (chunks.isEmpty()) {
      return -1; // ended
    }
    int n = 0;
    ByteBuf head;
    while (n < len && (head = chunks.peek()) != null) {
      int k = Math.min(len - n, head.readableBytes());
      head.readBytes(b, off + n, k);
      n += k;
      if (!head.isReadable()) {
        chunks.poll().release();
      }
    }
    buffered -= n;
    return n;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  /** Bytes arrived and not yet read: what the server holds of this body now. */
  @Override
  public int available() {
    lock.lock();
    try {
      return buffered;
    } finally {
      lock.unlock();
    }
  }

  /** Later reads fail; what arrives is dropped once the exchange answers. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}

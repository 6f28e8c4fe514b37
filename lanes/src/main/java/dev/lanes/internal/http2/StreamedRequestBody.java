package dev.lanes.internal.http2;

import dev.lanes.internal.exchange.ArrivingBody;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;

/**
 * An HTTP/2 request body read by its handler as its DATA frames arrive
 * ({@code RouteOptions.streamedBody}). The connection's event loop adds each frame's bytes
 * ({@link #arrived}); the handler's lane thread reads, waiting while nothing is there.
 * Backpressure is the stream's flow-control window: the bytes of a frame are returned to it only
 * once the handler has read them ({@code onRead} runs on the loop, which hands them to Netty's
 * local flow controller), so a handler that does not read stops its client at one window of
 * bytes held here.
 *
 * <p>A failure (the stream reset, the connection gone, the body past the route's limit, the body
 * read timeout) makes every later read throw an {@link IOException} naming it. Once the response
 * starts ({@link #finish}) what is unread is dropped, and so is what arrives later.
 *
 * <p>The chunks, their count and the end are shared between the loop and the reading thread under
 * one lock; the fields marked "loop only" are the connection's bookkeeping and need none.
 */
final class StreamedRequestBody extends ArrivingBody {
  private final long limit;
  private final EventExecutor loop;
  private final Runnable onRead; // on the loop: return the bytes read to flow control
  private volatile int returnBatch; // bytes read before the loop is asked to return them
  private Runnable continueOwed; // sends 100 Continue at the first read; null: none owed
  private int unreturned; // bytes read and not yet handed back to flow control
  private boolean returnAsked;

  private int batchSet; // loop only: the last returnBatch set
  long received; // loop only: the body's bytes so far, against the limit
  int held; // loop only: bytes received and not yet returned to the stream's window
  boolean paused; // loop only: the handler holds much of the window: the body timer rests
  boolean awaitingContinue; // loop only: its client waits for the 100, the body timer rests
  long counted; // loop only: bytes since the body timer (re)started, for the minimum rate

  StreamedRequestBody(long limit, EventExecutor loop, Runnable onRead, int returnBatch, Runnable continueOwed) {
    this.limit = limit;
    this.returnBatch = returnBatch;
    this.batchSet = returnBatch;
    this.loop = loop;
    this.onRead = onRead;
    this.continueOwed = continueOwed;
    this.awaitingContinue = continueOwed != null;
  }

  /** The route's limit, in bytes. */
  long limit() {
    return limit;
  }

  /** On the loop: a DATA frame's bytes (taken over; null: none) and whether it ended the stream. */
  void arrived(ByteBuf data, boolean last) {
    lock.lock();
    try {
      if (last) {
        ended = true;
      }
      if (data != null) {
        if (failure != null || finished || closed || !data.isReadable()) {
          data.release();
        } else {
          addChunk(data);
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Any thread: the body cannot be read on; later reads throw {@code cause}, also when it had
   * ended: what was not read yet is dropped, and must not read as the body's end.
   */
  void fail(IOException cause) {
    lock.lock();
    try {
      if (failure == null && !finished) {
        failure = cause;
      }
      dropBuffered();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether reads fail or were ended by the response: nothing more is waited for. */
  boolean done() {
    lock.lock();
    try {
      return failure != null || finished;
    } finally {
      lock.unlock();
    }
  }

  /** On the loop, when the response starts: the rest of the body is dropped as it arrives. */
  void finish() {
    lock.lock();
    try {
      finished = true;
      dropBuffered();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * On the loop: the reader asks for its bytes to be returned once {@code bytes} are read: at
   * most half the stream's window, which grows from 64 KiB once the client acknowledges the
   * server's SETTINGS, so that what it holds back never closes the client's window.
   */
  void returnBatch(int bytes) {
    if (bytes != batchSet) {
      batchSet = bytes;
      returnBatch = bytes;
    }
  }

  /** On the loop: the bytes read since the last call, to hand back to the stream's window. */
  int takeRead() {
    lock.lock();
    try {
      int n = unreturned;
      unreturned = 0;
      returnAsked = false;
      return n;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (loop.inEventLoop()) {
      throw readOnTheLoop();
    }
    Runnable sendContinue = null;
    lock.lock();
    try {
      if (continueOwed != null && !ended && failure == null && !finished) {
        sendContinue = continueOwed;
      }
      continueOwed = null;
    } finally {
      lock.unlock();
    }
    if (sendContinue != null) {
      onLoop(sendContinue); // before waiting: its client sends nothing until the 100
    }
    boolean askReturn = false;
    int n;
    lock.lock();
    try {
      if (len == 0) {
        n = 0;
      } else {
        n = awaitAndTake(b, off, len);
        if (n < 0) {
          return -1; // ended
        }
        unreturned += n;
        // The loop is woken to return bytes once a batch is read, not once per read: below
        // half the window Netty writes no WINDOW_UPDATE anyway, and the client has the rest.
        if (!returnAsked && unreturned >= returnBatch) {
          returnAsked = true;
          askReturn = true;
        }
      }
    } finally {
      lock.unlock();
    }
    if (askReturn) {
      onLoop(onRead);
    }
    return n;
  }

  private void onLoop(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // The server stopped: the connection closed first, and its stream with it.
    }
  }
}

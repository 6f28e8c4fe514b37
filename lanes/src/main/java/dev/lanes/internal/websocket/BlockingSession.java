package dev.lanes.internal.websocket;

import dev.lanes.http.Request;
import dev.lanes.websocket.CloseCodes;
import dev.lanes.websocket.Message;
import dev.lanes.websocket.WebSocket;
import dev.lanes.websocket.WebSocketClosedException;
import dev.lanes.websocket.WebSocketOptions;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A session read and written by blocking code on a lane thread. Inbound messages wait in a short
 * queue; past {@link #PAUSE_AT} unread messages the connection stops reading (TCP pushes back on
 * the peer) until the handler catches up. A send waits while the socket is not writable, for at
 * most the route's send timeout, then closes the connection: a peer that stops reading is cut
 * off, not buffered for.
 */
final class BlockingSession extends Session implements WebSocket {
  static final int PAUSE_AT = 16;
  static final int RESUME_AT = 4;

  private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private final AtomicInteger unread = new AtomicInteger();
  private final CompletableFuture<FrameHandler> open = new CompletableFuture<>();
  private final ReentrantLock writable = new ReentrantLock(); // not synchronized: virtual threads wait here
  private final Condition writabilityChanged = writable.newCondition();

  BlockingSession(Request request, WebSocketOptions options, String route) {
    super(request, options, route);
  }

  /** On the lane thread: waits until the 101 is out; throws if the upgrade did not happen. */
  void awaitOpen() throws InterruptedException, WebSocketClosedException {
    try {
      open.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof WebSocketClosedException c ? c
          : new WebSocketClosedException(CloseCodes.ABNORMAL, "upgrade failed: " + e.getCause());
    }
  }

  @Override
  void opened(FrameHandler frames) {
    super.opened(frames);
    open.complete(frames);
  }

  @Override
  public void notOpened(Throwable cause) {
    open.completeExceptionally(cause);
  }

  @Override
  void onMessage(Message message) {
    inbox.add(message);
    if (unread.incrementAndGet() >= PAUSE_AT) {
      Channel ch = frames.channel();
      ch.config().setAutoRead(false);
      // The handler may have read down past RESUME_AT before the pause took effect, when it saw
      // reading on and did not resume: then nothing would resume it.
      if (unread.get() <= RESUME_AT) {
        ch.config().setAutoRead(true);
      }
    }
  }

  @Override
  void onEnded(int code, String reason) {
    inbox.add(new WebSocketClosedException(code, reason));
    signalWritability();
  }

  @Override
  void onWritabilityChanged() {
    signalWritability();
  }

  @Override
  public Message receive() throws WebSocketClosedException, InterruptedException {
    Object next = inbox.take();
    if (next instanceof WebSocketClosedException closed) {
      inbox.add(closed); // every later call sees the end too
      throw closed;
    }
    Channel ch = frames.channel();
    if (unread.decrementAndGet() <= RESUME_AT && !ch.config().isAutoRead()) {
      ch.config().setAutoRead(true);
    }
    return (Message) next;
  }

  @Override
  public void send(Message message) throws WebSocketClosedException, InterruptedException {
    FrameHandler f = frames;
    if (f == null || !f.isOpen()) {
      throw closed();
    }
    f.sendWithoutResult(message);
    Channel ch = f.channel();
    if (ch.isWritable()) {
      return;
    }
    long left = options().sendTimeout().toNanos();
    writable.lock();
    try {
      while (!ch.isWritable() && ch.isActive()) {
        if (left <= 0) {
          f.abort(CloseCodes.ABNORMAL, "peer not reading: send waited " + options().sendTimeout());
          throw closed();
        }
        left = writabilityChanged.awaitNanos(left);
      }
    } finally {
      writable.unlock();
    }
    if (!ch.isActive()) {
      throw closed();
    }
  }

  private void signalWritability() {
    writable.lock();
    try {
      writabilityChanged.signalAll();
    } finally {
      writable.unlock();
    }
  }
}

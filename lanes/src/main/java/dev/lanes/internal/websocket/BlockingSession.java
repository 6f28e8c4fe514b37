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
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A session read and written by blocking code on a lane thread. Inbound messages wait in a short
 * queue; past {@link #PAUSE_AT} unread messages the connection stops reading (TCP pushes back on
 * the peer) and decoding (the rest of the last read waits undecoded in the {@link FrameDecoder})
 * until the handler catches up. A send waits while the socket is not writable, for at
 * most the route's send timeout, then closes the connection: a peer that stops reading is cut
 * off, not buffered for.
 *
 * <p>When the session ends (the peer left or closed, or another thread closed it) while its
 * handler is busy elsewhere, unaware (in a sleep, on a queue, in a database call), its lane task is
 * cancelled: the thread is interrupted, so the token comes back without waiting for the handler's
 * next receive or send, as an HTTP handler's does when its client leaves. A handler waiting in
 * {@link #receive} or {@link #send} learns of the end from {@link WebSocketClosedException}
 * instead, and one that already did, or closed the session itself, is left alone: the usual end
 * interrupts nobody's cleanup.
 */
final class BlockingSession extends Session implements WebSocket {
  static final int PAUSE_AT = 16;
  static final int RESUME_AT = 4;
  // The bits of state that decide whether the end cancels the handler (see cancelIfUnaware).
  private static final int WAITING = 1; // in receive or send, which the end wakes by itself
  private static final int ENDED = 2; // no more messages will come
  private static final int KNOWN = 4; // the handler saw the end, or closed the session itself
  private static final int CANCELLED = 8;

  private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private final AtomicInteger unread = new AtomicInteger();
  private volatile long taken; // written by the handler's thread only
  private final CompletableFuture<FrameHandler> open = new CompletableFuture<>();
  private final ReentrantLock writable = new ReentrantLock(); // not synchronized: virtual threads wait here
  private final Condition writabilityChanged = writable.newCondition();
  private final AtomicInteger state = new AtomicInteger();
  private volatile Future<?> task; // the lane task running the handler
  private volatile Thread handler;

  BlockingSession(Request request, WebSocketOptions options, String route) {
    super(request, options, route);
  }

  /** On the lane thread: waits until the 101 is out; throws if the upgrade did not happen. */
  void awaitOpen() throws InterruptedException, WebSocketClosedException {
    handler = Thread.currentThread();
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

  /** The lane task that runs the handler: what the session's end cancels. */
  void runsAs(Future<?> task) {
    this.task = task;
    cancelIfUnaware(); // the session may have ended before the task was known
  }

  @Override
  public void close(int code, String reason) {
    if (Thread.currentThread() == handler) {
      state.getAndUpdate(s -> s | KNOWN); // the handler ends the session itself: nothing to cancel it for
    }
    super.close(code, reason);
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
    state.getAndUpdate(s -> s | ENDED);
    signalWritability(); // a send waiting on a peer that stopped reading ends with the session
    cancelIfUnaware();
  }

  /**
   * Cancels the handler's lane task once the session has ended while the handler is neither
   * waiting in receive/send (woken by the end itself) nor aware of the end; at most once.
   */
  private void cancelIfUnaware() {
    Future<?> t = task;
    if (t == null) {
      return;
    }
    int s;
    do {
      s = state.get();
      if ((s & ENDED) == 0 || (s & (WAITING | KNOWN | CANCELLED)) != 0) {
        return;
      }
    } while (!state.compareAndSet(s, s | CANCELLED));
    t.cancel(true);
  }

  private void waiting() {
    state.getAndUpdate(s -> s | WAITING);
  }

  /** Leaves receive/send; {@code sawEnd} in the same step, so the end cannot slip in between. */
  private void doneWaiting(boolean sawEnd) {
    state.getAndUpdate(s -> (s & ~WAITING) | (sawEnd ? KNOWN : 0));
    if (!sawEnd) {
      cancelIfUnaware();
    }
  }

  private WebSocketClosedException known(WebSocketClosedException e) {
    state.getAndUpdate(s -> s | KNOWN);
    return e;
  }

  @Override
  void onWritabilityChanged() {
    signalWritability();
  }

  @Override
  long messagesTaken() {
    return taken;
  }

  @Override
  public Message receive() throws WebSocketClosedException, InterruptedException {
    Object next = inbox.poll(); // what arrived before the end is returned, even to a cancelled handler
    if (next == null) {
      waiting();
      try {
        next = inbox.take();
      } finally {
        doneWaiting(next instanceof WebSocketClosedException);
      }
    }
    if (next instanceof WebSocketClosedException closed) {
      inbox.add(closed); // every later call sees the end too
      throw known(closed);
    }
    taken++;
    Channel ch = frames.channel();
    if (unread.decrementAndGet() <= RESUME_AT && !ch.config().isAutoRead()) {
      ch.eventLoop().execute(this::resumeIfCaughtUp);
    }
    return (Message) next;
  }

  /**
   * On the loop: reading (and decoding what the pause held) resumes, once: the receives that
   * asked before it ran find it resumed, or paused again by what it decoded.
   */
  private void resumeIfCaughtUp() {
    if (unread.get() <= RESUME_AT && !frames.channel().config().isAutoRead()) {
      frames.resumeReading();
    }
  }

  @Override
  public void send(Message message) throws WebSocketClosedException, InterruptedException {
    FrameHandler f = frames;
    if (f == null || !f.isOpen()) {
      throw known(closed());
    }
    f.sendWithoutResult(message);
    Channel ch = f.channel();
    if (ch.isWritable()) {
      return;
    }
    long left = options().sendTimeout().toNanos();
    boolean gone = false;
    waiting();
    writable.lock();
    try {
      while (!ch.isWritable() && ch.isActive() && (state.get() & ENDED) == 0) {
        if (left <= 0) {
          f.abort(CloseCodes.ABNORMAL, "peer not reading: send waited " + options().sendTimeout());
          gone = true; // its close may not have run yet
          break;
        }
        left = writabilityChanged.awaitNanos(left);
      }
      // Not "unwritable again": seen writable, the socket can be full again a moment later (a
      // write queued from this thread counts twice while the loop takes it over), which ends nothing.
      gone = gone || !ch.isActive() || (state.get() & ENDED) != 0;
    } finally {
      writable.unlock();
      doneWaiting(gone);
    }
    if (gone) {
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

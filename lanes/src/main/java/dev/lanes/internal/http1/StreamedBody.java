package dev.lanes.internal.http1;

import dev.lanes.internal.exchange.ArrivingBody;
import dev.lanes.internal.http.StreamedBodyFailure;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;

/**
 * A request body read by its handler as it arrives ({@code RouteOptions.streamedBody}). The
 * connection's event loop adds each content as it is decoded ({@link #arrived}); the handler's
 * lane thread reads, waiting while nothing is there. Backpressure: once {@link #HIGH_WATER} bytes
 * wait unread, the connection stops reading the socket (and its body read timer, since the server
 * is the slow side then) until the handler has taken all but {@link #LOW_WATER} of them, so the
 * client's writes block instead of the server's memory growing.
 *
 * <p>A failure (the client left, the body stopped arriving, a chunked body grew past the
 * route's limit, a bad chunk) makes every later read throw an {@link IOException} naming it; one
 * by the client's fault is a {@link StreamedBodyFailure}, which answers with its status when the
 * handler lets it out.
 * When the exchange answers ({@link #finish}) what is still unread is dropped; the connection
 * stays open only if the body ended or at most {@link #DISCARD_LIMIT} declared bytes are left to
 * skip and no {@code 100 Continue} was owed unsent (as Go's net/http does), else it closes after
 * the response.
 *
 * <p>State is shared between the loop and the reading thread under one lock; socket reading is
 * switched on and off on the loop only.
 */
final class StreamedBody extends ArrivingBody {
  static final int HIGH_WATER = 256 * 1024;
  static final int LOW_WATER = 64 * 1024;
  static final int DISCARD_LIMIT = 256 * 1024;

  private final Channel channel;
  private final Http1Connection connection;
  private final ConnectionTimeouts timeouts;
  private final long limit;
  private final long declared; // Content-Length, or -1 for a chunked body
  private Runnable continueOwed; // sends 100 Continue at the first read; null: none owed
  private long received; // loop only
  private boolean awaitingContinue; // loop only: its client waits for the 100, the body timer rests
  private boolean paused; // the socket is not read because of this body
  private boolean resumeAsked;

  StreamedBody(Channel channel, Http1Connection connection, ConnectionTimeouts timeouts, long limit,
      long declared, Runnable continueOwed) {
    this.channel = channel;
    this.connection = connection;
    this.timeouts = timeouts;
    this.limit = limit;
    this.declared = declared;
    this.continueOwed = continueOwed;
  }

  /**
   * On the loop, once made: a client that expects {@code 100 Continue} rightly sends nothing
   * until the handler's first read sends it, so its body read timer rests until then (or until
   * body bytes come anyway).
   */
  void started() {
    if (continueOwed != null) {
      awaitingContinue = true;
      timeouts.bodyPaused(true);
    }
  }

  /** On the loop: the 100 went out, or the client sent its body without it: the body timer runs. */
  void continueAnswered() {
    if (awaitingContinue) {
      awaitingContinue = false;
      timeouts.bodyPaused(false);
    }
  }

  /** On the loop: {@code content} was decoded (its buffer is taken over). */
  void arrived(HttpContent content) {
    ByteBuf data = content.content();
    int n = data.readableBytes();
    boolean last = content instanceof LastHttpContent;
    if (content.decoderResult().isFailure()) {
      content.release();
      Throwable cause = content.decoderResult().cause();
      fail(cause instanceof RejectedRequest r && r.status() == 408
          ? new StreamedBodyFailure(408,
              "request body read timeout: the body stopped arriving (ServerConfig.bodyReadTimeout)", cause)
          : !channel.isActive() ? new IOException("client disconnected before the request body ended", cause)
          // Netty's own wording stays in the cause, as a refused head's does (Http1Connection.rejection).
          : new StreamedBodyFailure(400, "bad request body: " + (cause instanceof RejectedRequest r
              ? r.getMessage() : "malformed chunked encoding"), cause));
      return;
    }
    if (n > 0) {
      continueAnswered();
    }
    received += n;
    if (received > limit) {
      content.release();
      fail(new StreamedBodyFailure(413, "request body exceeds this route's limit of " + limit
          + " bytes (RouteOptions.streamedBody)"));
      return;
    }
    boolean pause;
    lock.lock();
    try {
      if (last) {
        ended = true;
      }
      if (failure != null || finished || n == 0) {
        content.release();
      } else {
        addChunk(data);
      }
      changed.signalAll();
      pause = !paused && !ended && !finished && failure == null && buffered >= HIGH_WATER;
      if (pause) {
        paused = true;
      }
    } finally {
      lock.unlock();
    }
    if (pause) {
      channel.config().setAutoRead(false);
      timeouts.bodyPaused(true);
    }
  }

  /**
   * Any thread: the body cannot be read on; later reads throw {@code cause}, also when it had
   * ended: what was not read yet is dropped, and must not read as the body's end.
   */
  void fail(IOException cause) {
    lock.lock();
    try {
      if (failure == null) {
        failure = cause;
      }
      dropBuffered();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * On the loop, when the exchange's response is written: the rest of the body is dropped as it
   * arrives; returns whether the connection may stay open for the next request.
   */
  boolean finish() {
    boolean keep;
    boolean resume;
    lock.lock();
    try {
      finished = true;
      dropBuffered();
      changed.signalAll();
      keep = failure == null && (ended || continueOwed == null && declared >= 0
          && declared - received <= DISCARD_LIMIT);
      resume = paused;
      paused = false;
    } finally {
      lock.unlock();
    }
    if (resume) {
      readAgain(); // skipped until it ends, or until the connection closes after the response
    }
    return keep;
  }

  /**
   * @throws IllegalStateException on the connection's event loop (middleware, async code): the
   *     read would wait for bytes only that thread can deliver, and block it for good
   */
  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (channel.eventLoop().inEventLoop()) {
      throw readOnTheLoop();
    }
    Runnable sendContinue = null;
    boolean resume = false;
    int n;
    lock.lock();
    try {
      if (continueOwed != null) {
        sendContinue = continueOwed;
        continueOwed = null;
      }
      if (sendContinue != null && !ended && failure == null) {
        Runnable send = sendContinue;
        channel.eventLoop().execute(() -> {
          if (stillAwaited()) { // else the body came (or failed) meanwhile: the 100 would be stray
            send.run();
          }
          continueAnswered();
        });
      }
      if (len == 0) {
        return 0;
      }
      n = awaitAndTake(b, off, len);
      if (n < 0) {
        return -1; // ended
      }
      if (paused && !resumeAsked && buffered <= LOW_WATER) {
        resumeAsked = true;
        resume = true;
      }
    } finally {
      lock.unlock();
    }
    if (resume) {
      channel.eventLoop().execute(this::resume);
    }
    return n;
  }

  /** Whether the body is still to come and to be read: a {@code 100 Continue} still asks for it. */
  private boolean stillAwaited() {
    lock.lock();
    try {
      return !ended && failure == null && !finished && !closed;
    } finally {
      lock.unlock();
    }
  }

  /** Whether its exchange answered: what arrives now is skipped ({@link #finish}). */
  boolean answered() {
    lock.lock();
    try {
      return finished;
    } finally {
      lock.unlock();
    }
  }

  /** Whether the socket is not read because of this body (its handler has not caught up). */
  boolean holdsReading() {
    lock.lock();
    try {
      return paused;
    } finally {
      lock.unlock();
    }
  }

  /** On the loop: the handler took enough, the socket is read again. */
  private void resume() {
    lock.lock();
    try {
      resumeAsked = false;
      if (!paused) {
        return;
      }
      paused = false;
    } finally {
      lock.unlock();
    }
    readAgain();
  }

  private void readAgain() {
    timeouts.bodyPaused(false);
    if (channel.isActive()) {
      connection.streamedBodyResumed();
    }
  }
}

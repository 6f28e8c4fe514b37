package dev.lanes.testing;

import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket connection a {@link TestClient} opened, read one message at a time (Starlette's
 * {@code websocket_connect} session). Every receive waits at most the timeout it was opened with
 * and fails with what came instead: a message of the other kind, the server's close (code and
 * reason), or nothing; once the connection ended and its messages were read, every receive fails
 * at once naming how it ended. Messages arrive whole (fragments joined). Closing sends a normal
 * close and waits for the server's.
 *
 * <pre>{@code
 * try (TestWebSocket ws = client.websocket("/ws/echo")) {
 *   ws.sendText("hello");
 *   assertThat(ws.receiveText()).isEqualTo("hello");
 * }
 * }</pre>
 */
public final class TestWebSocket implements AutoCloseable {
  /** The close frame the server sent: its code and reason. */
  public record Close(int code, String reason) { }

  private final String path;
  private final Duration timeout;
  private final Inbox inbox;
  private final WebSocket socket;

  TestWebSocket(String path, Duration timeout, Inbox inbox, WebSocket socket) {
    this.path = path;
    this.timeout = timeout;
    this.inbox = inbox;
    this.socket = socket;
  }

  /**
   * The subprotocol the server's 101 agreed to, empty when it named none (the JDK's empty string).
   *
   * <pre>{@code
   * try (TestWebSocket ws = client.websocket("/ws/chat", b -> b.subprotocols("mqtt", "chat.v2"))) {
   *   assertThat(ws.subprotocol()).contains("chat.v2");
   * }
   * }</pre>
   */
  public Optional<String> subprotocol() {
    String agreed = socket.getSubprotocol();
    return agreed == null || agreed.isEmpty() ? Optional.empty() : Optional.of(agreed);
  }

  public void sendText(String text) {
    await(socket.sendText(text, true), "sending a text message");
  }

  public void sendBytes(byte[] data) {
    await(socket.sendBinary(ByteBuffer.wrap(data.clone()), true), "sending a binary message");
  }

  /** The next message, which must be text. */
  public String receiveText() {
    Object m = inbox.take(timeout, "a text message on " + path);
    if (m instanceof String text) {
      return text;
    }
    throw unexpected("a text message", m);
  }

  /** The next message, which must be binary. */
  public byte[] receiveBytes() {
    Object m = inbox.take(timeout, "a binary message on " + path);
    if (m instanceof byte[] data) {
      return data;
    }
    throw unexpected("a binary message", m);
  }

  /**
   * Waits for the server to close the connection, with no message before it.
   *
   * <pre>{@code assertThat(ws.receiveClose().code()).isEqualTo(1008);}</pre>
   */
  public Close receiveClose() {
    Object m = inbox.take(timeout, "the server's close of " + path);
    if (m instanceof Close close) {
      return close;
    }
    throw unexpected("the server's close", m);
  }

  /** Closes normally (1000) and waits for the server's close; a no-op once closed. */
  @Override
  public void close() {
    close(WebSocket.NORMAL_CLOSURE, "");
  }

  /** Closes with {@code code} and {@code reason} and waits for the server's close. */
  public void close(int code, String reason) {
    try {
      try {
        socket.sendClose(code, reason).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        if (!socket.isOutputClosed()) {
          throw new AssertionError("failed sending a close frame on " + path + ": " + e.getCause(), e.getCause());
        } // else closed already: by this session, or the JDK answering the server's close
      }
      inbox.closed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      // the connection ended without a close frame: closed all the same
    } catch (TimeoutException e) {
      throw new AssertionError("the server did not answer the close of " + path + " within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      socket.abort(); // the connection, whether or not the server answered
    }
  }

  private AssertionError unexpected(String expected, Object got) {
    String what = got instanceof String text ? "a text message: " + text
        : got instanceof byte[] data ? "a binary message of " + data.length + " bytes"
        : got instanceof Close c ? "the server's close: " + c.code() + (c.reason().isEmpty() ? "" : " " + c.reason())
        : "the connection failed: " + got;
    AssertionError e = new AssertionError("expected " + expected + " on " + path + ", got " + what);
    if (got instanceof Throwable t) {
      e.initCause(t);
    }
    return e;
  }

  private void await(CompletableFuture<?> future, String doing) {
    try {
      future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("failed " + doing + " on " + path + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("timed out " + doing + " on " + path + " after " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * What the server sent, in order: a String, a byte[], a {@link Close}, or the Throwable that
   * ended the connection. Messages are asked for one at a time, so the queue holds what a test
   * has not read yet.
   */
  static final class Inbox implements WebSocket.Listener {
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private volatile Object end; // the server's Close or the failure, once a take handed it out

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        queue.add(text.toString());
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      binary.writeBytes(bytes);
      if (last) {
        queue.add(binary.toByteArray());
        binary.reset();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      Close close = new Close(code, reason);
      queue.add(close);
      closed.complete(close);
      return null; // the JDK answers the close
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      queue.add(error);
      closed.completeExceptionally(error);
    }

    /** The next message; once the connection ended and all was read, how it ended, at once and every time. */
    Object take(Duration timeout, String what) {
      // Kept by the reader, not read off `closed`: the JDK queues the end before it completes
      // `closed`, and a take in between would wait its whole timeout for an end already handed out.
      Object ended = end;
      if (ended != null) {
        return ended;
      }
      try {
        Object m = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (m == null) {
          throw new AssertionError("no " + what + " within " + timeout);
        }
        if (m instanceof Close || m instanceof Throwable) {
          end = m; // nothing follows it
        }
        return m;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }
}

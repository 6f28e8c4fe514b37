package dev.lanes.http;

import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * What a response carries, as a closed set the server switches on.
 */
public sealed interface ResponseBody
    permits ResponseBody.Bytes, ResponseBody.Json, ResponseBody.Written, ResponseBody.Published,
        ResponseBody.FileRange {

  /** The body's length if known up front, else -1 (sent chunked). */
  long length();

  /** A body held in memory. */
  record Bytes(byte[] data) implements ResponseBody {
    static final Bytes EMPTY = new Bytes(new byte[0]);

    @Override
    public long length() {
      return data.length;
    }
  }

  /**
   * A value to send as JSON, serialised by the app's {@link JsonCodec} just before the response
   * is written ({@link JsonCodec#encode}), so middleware sees the value, not bytes. Its length is
   * unknown (-1) until then.
   *
   * @param value what to serialise; {@code NullNode.getInstance()} (or {@code Optional.empty()}
   *     with the default codec) for a JSON {@code null}
   */
  record Json(Object value) implements ResponseBody {
    public Json {
      Objects.requireNonNull(value, "value (for a JSON null use NullNode.getInstance() or Optional.empty())");
    }

    @Override
    public long length() {
      return -1;
    }
  }

  /**
   * A body produced by blocking code on a lane ({@code streaming} by default). The stream it
   * writes to blocks while the client is slow, so memory stays flat whatever the body's size, and
   * fails with an {@link java.io.IOException} once the client has gone.
   *
   * @param writer writes the body; returning ends it
   * @param lane the lane the writer runs in
   * @param length the exact length if known, else -1
   * @param keepAlive bytes the server sends on its own while the writer is quiet (SSE comments)
   */
  record Written(BodyWriter writer, String lane, long length, Optional<KeepAlive> keepAlive)
      implements ResponseBody {
    public Written {
      // Abandoned at most once and never after it ran: the server closes an unsent body's source.
      writer = OnceAbandoned.around(Objects.requireNonNull(writer, "writer"));
      Objects.requireNonNull(lane, "lane");
      Objects.requireNonNull(keepAlive, "keepAlive");
    }

    public Written(BodyWriter writer, String lane, long length) {
      this(writer, lane, length, Optional.empty());
    }
  }

  /**
   * A filler chunk sent from the event loop when a produced body has been quiet for
   * {@code every}; it must be meaningless to the client (an SSE comment, say).
   *
   * @param bytes the chunk
   * @param every the quiet time before sending it
   */
  record KeepAlive(byte[] bytes, Duration every) {
    public KeepAlive {
      Objects.requireNonNull(bytes, "bytes");
      if (every.isNegative() || every.isZero()) {
        throw new IllegalArgumentException("keep-alive interval must be positive");
      }
    }
  }

  /**
   * A body produced without blocking: chunks from a {@link Flow.Publisher}, requested one at a
   * time as the socket drains.
   *
   * @param publisher the chunks
   */
  record Published(Flow.Publisher<byte[]> publisher) implements ResponseBody {
    public Published {
      Objects.requireNonNull(publisher, "publisher");
    }

    @Override
    public long length() {
      return -1;
    }
  }

  /**
   * A slice of a file, sent with zero-copy transfer where the transport allows it. The bytes are
   * read from {@code channel} when it is given ({@code FileResponse} opens the file as it reads the
   * metadata its headers describe, so a file replaced or deleted at {@code path} afterwards still
   * goes out as described); without one the server opens {@code path} just before writing the
   * head, and a file it cannot open, or one shorter than the slice, is a 500. The server closes
   * the channel when the exchange ends, whether or not the body was sent; a response never handed
   * to the server does not close it ({@code FileResponse} ties it to its request's scope).
   *
   * @param path the file (named in errors)
   * @param offset first byte
   * @param length number of bytes
   * @param channel the file already open, read by position, or empty to open {@code path}
   */
  record FileRange(Path path, long offset, long length, Optional<FileChannel> channel)
      implements ResponseBody {
    public FileRange {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(channel, "channel");
      if (offset < 0 || length < 0) {
        throw new IllegalArgumentException("offset and length must be >= 0");
      }
      if (length > Long.MAX_VALUE - offset) { // its end would wrap negative and pass the server's length check
        throw new IllegalArgumentException("offset + length is past Long.MAX_VALUE: " + offset + " + " + length);
      }
    }

    /** A slice of the file at {@code path}, opened by the server when the response is sent. */
    public FileRange(Path path, long offset, long length) {
      this(path, offset, length, Optional.empty());
    }
  }

  /** Writes a body to a stream; see {@link Written}. */
  @FunctionalInterface
  interface BodyWriter {
    void writeTo(OutputStream out) throws Exception;

    /**
     * Called instead of {@link #writeTo} when the body is never sent (HEAD, a response that
     * replaced it, a client gone before it started): free resources. The server calls it at most
     * once, and never after {@code writeTo} began, in the body's lane.
     */
    default void abandon() {}
  }
}

package dev.lanes.streaming;

import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

/**
 * Responses whose body is produced while it is sent (Starlette's {@code StreamingResponse}).
 * Blocking producers are pulled on the {@code streaming} lane (or a named one), one item per chunk,
 * no faster than the client reads; async producers are {@link Flow.Publisher}s asked for one chunk
 * at a time. When the client disconnects the producer is stopped and closed.
 *
 * <pre>{@code
 * return StreamingResponse.of(rows.iterator(), "text/csv");
 * return StreamingResponse.writer(out -> { for (var r : rows) out.write(r.csv()); }, "text/csv");
 * }</pre>
 */
public final class StreamingResponse {
  private StreamingResponse() {}

  /**
   * Streams the items of a blocking iterator ({@code byte[]} or text, sent as UTF-8), each as one
   * chunk, in the {@code streaming} lane. An iterator that is also {@link AutoCloseable} is closed
   * at the end, on error and on disconnect.
   */
  public static Response of(Iterator<?> items, String contentType) {
    return of(items, contentType, Lanes.STREAMING);
  }

  /** As {@link #of(Iterator, String)}, in the named lane. */
  public static Response of(Iterator<?> items, String contentType, String lane) {
    Objects.requireNonNull(items, "items");
    return body(new IteratorWriter(items, items instanceof AutoCloseable c ? c : null), contentType, lane);
  }

  /** Streams a {@link Stream}'s items; the stream is closed when the body ends or is abandoned. */
  public static Response of(Stream<?> items, String contentType) {
    Objects.requireNonNull(items, "items");
    return body(new IteratorWriter(items.iterator(), items), contentType, Lanes.STREAMING);
  }

  /** A body written by blocking code to an {@link OutputStream}; each write is sent as a chunk. */
  public static Response writer(ResponseBody.BodyWriter writer, String contentType) {
    return body(writer, contentType, Lanes.STREAMING);
  }

  /** As {@link #writer(ResponseBody.BodyWriter, String)}, in the named lane. */
  public static Response writer(ResponseBody.BodyWriter writer, String contentType, String lane) {
    return body(writer, contentType, lane);
  }

  /** A body from an async producer, requested one chunk at a time on the event loop. */
  public static Response publisher(Flow.Publisher<byte[]> chunks, String contentType) {
    return Response.of(200, contentType, new ResponseBody.Published(chunks));
  }

  private static Response body(ResponseBody.BodyWriter writer, String contentType, String lane) {
    return Response.of(200, contentType, new ResponseBody.Written(writer, lane, -1));
  }

  static byte[] toBytes(Object item) {
    return switch (item) {
      case byte[] b -> b;
      case CharSequence cs -> cs.toString().getBytes(StandardCharsets.UTF_8);
      case null -> throw new IllegalArgumentException("a streamed item was null");
      default -> throw new IllegalArgumentException(
          "streamed items must be byte[] or text, got " + item.getClass().getName());
    };
  }

  /** Pulls an iterator on the lane thread and closes its resource whatever happens. */
  private record IteratorWriter(Iterator<?> items, AutoCloseable resource) implements ResponseBody.BodyWriter {
    @Override
    public void writeTo(OutputStream out) throws Exception {
      try {
        while (items.hasNext()) {
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("request cancelled");
          }
          out.write(toBytes(items.next()));
        }
      } finally {
        abandon();
      }
    }

    @Override
    public void abandon() {
      if (resource != null) {
        try {
          resource.close();
        } catch (Exception e) {
          System.getLogger(StreamingResponse.class.getName())
              .log(System.Logger.Level.WARNING, "closing a streamed source failed", e);
        }
      }
    }
  }
}

package dev.lanes.streaming;

import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;

/**
 * A Server-Sent Events response from a blocking iterator of events, pulled on the
 * {@code streaming} lane. While the iterator waits for its next event, the event loop sends a
 * comment line once the stream has been quiet for {@code keepAlive} (timed from the last event or
 * comment written, so a busy stream gets none), so proxies and browsers keep the connection open.
 *
 * <pre>{@code return EventSourceResponse.of(progress.iterator()); }</pre>
 */
public final class EventSourceResponse {
  /** Default interval of keep-alive comments (as sse-starlette's 15 s ping). */
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(15);
  private static final byte[] PING = ServerSentEvent.comment("keep-alive").encode();

  private EventSourceResponse() {}

  public static Response of(Iterator<ServerSentEvent> events) {
    return of(events, DEFAULT_KEEP_ALIVE);
  }

  public static Response of(Iterator<ServerSentEvent> events, Duration keepAlive) {
    Objects.requireNonNull(events, "events");
    if (keepAlive.isNegative() || keepAlive.isZero()) {
      throw new IllegalArgumentException("keepAlive must be positive");
    }
    ResponseBody.BodyWriter writer = new ResponseBody.BodyWriter() {
      @Override
      public void writeTo(OutputStream out) throws Exception {
        try {
          while (events.hasNext()) {
            out.write(events.next().encode()); // one write per event: a keep-alive never splits one
          }
        } finally {
          abandon();
        }
      }

      @Override
      public void abandon() {
        if (events instanceof AutoCloseable c) {
          try {
            c.close();
          } catch (Exception e) {
            System.getLogger(EventSourceResponse.class.getName())
                .log(System.Logger.Level.WARNING, "closing SSE source failed", e);
          }
        }
      }
    };
    return Response.of(200, "text/event-stream; charset=utf-8",
            new ResponseBody.Written(writer, Lanes.STREAMING, -1,
                Optional.of(new ResponseBody.KeepAlive(PING, keepAlive))))
        .withHeader("Cache-Control", "no-cache")
        .withHeader("X-Accel-Buffering", "no");
  }
}

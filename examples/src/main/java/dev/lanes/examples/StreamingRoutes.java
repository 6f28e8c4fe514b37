package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.streaming.EventSourceResponse;
import dev.lanes.streaming.ServerSentEvent;
import dev.lanes.streaming.StreamingResponse;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streamed bodies from blocking producers, which run in lane {@code streaming} and stop when the
 * client leaves (see {@code docs/responses.md}, "Streaming").
 *
 * <ul>
 *   <li>{@code GET /stream?n=10&delay_ms=100}: {@code n} lines {@code line i}, one every {@code delay_ms}</li>
 *   <li>{@code GET /stream/bytes?mib=1}: {@code mib} MiB of zeros in 64 KiB chunks, for throughput and heap tests</li>
 *   <li>{@code GET /sse?n=10&delay_ms=100}: the same lines as server-sent events {@code tick}, ids from 0</li>
 * </ul>
 *
 * <p>{@code delay_ms} is 0..60000, else 400: a delay of days would hold a {@code streaming} token that long.
 */
final class StreamingRoutes {
  /** The longest delay between lines, in ms. */
  static final long MAX_DELAY_MS = 60_000;

  private StreamingRoutes() {}

  /** Adds the routes. */
  static App.Builder addTo(App.Builder app) {
    return app
        .get("/stream", req -> {
          int n = req.query().getInt("n", 10);
          long delay = delayMs(req.query().getLong("delay_ms", 100));
          return StreamingResponse.of(lines(n, delay), "text/plain; charset=utf-8");
        })
        .get("/stream/bytes", req -> {
          long mib = req.query().getLong("mib", 1);
          byte[] chunk = new byte[64 * 1024];
          return StreamingResponse.writer(out -> {
            for (long i = 0; i < mib * 16; i++) {
              out.write(chunk);
            }
          }, "application/octet-stream");
        })
        .get("/sse", req -> {
          int n = req.query().getInt("n", 10);
          long delay = delayMs(req.query().getLong("delay_ms", 100));
          Iterator<String> source = lines(n, delay);
          int[] id = {0};
          return EventSourceResponse.of(new Iterator<>() {
            @Override
            public boolean hasNext() {
              return source.hasNext();
            }

            @Override
            public ServerSentEvent next() {
              return ServerSentEvent.of(source.next().strip()).withId(Integer.toString(id[0]++)).withEvent("tick");
            }
          });
        });
  }

  /** {@code ms} if it is 0..{@value #MAX_DELAY_MS}; else 400, as {@code /cpu} bounds its own. */
  private static long delayMs(long ms) {
    if (ms < 0 || ms > MAX_DELAY_MS) {
      throw new HttpException(400, "delay_ms must be 0.." + MAX_DELAY_MS + ": " + ms);
    }
    return ms;
  }

  /** N lines, one every {@code delayMs}, produced by blocking code. */
  private static Iterator<String> lines(int n, long delayMs) {
    return new Iterator<>() {
      int i;

      @Override
      public boolean hasNext() {
        return i < n;
      }

      @Override
      public String next() {
        if (i >= n) {
          throw new NoSuchElementException();
        }
        if (delayMs > 0 && i > 0) {
          try {
            Thread.sleep(delayMs);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("cancelled", e);
          }
        }
        return "line " + i++ + "\n";
      }
    };
  }
}

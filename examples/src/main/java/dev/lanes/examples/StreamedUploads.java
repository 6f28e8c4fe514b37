package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.HttpException;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request body read as it arrives, with backpressure, over HTTP/1.1 and HTTP/2 (see
 * {@code docs/responses.md}, "Streamed request bodies"), in lane {@code files}.
 *
 * <ul>
 *   <li>{@code PUT /upload?delay_ms=0}: the raw body, up to {@value #LIMIT} bytes, read 64 KiB at a
 *       time into a SHA-256; answers {@code {"bytes":N,"sha256":"..."}}. {@code delay_ms} (0..1000,
 *       else 400) sleeps after each read: a slow reader, which holds the client back.</li>
 * </ul>
 *
 * <pre>{@code curl -T big.iso http://127.0.0.1:8000/upload}</pre>
 *
 * <p>A body whose {@code Content-Length} is over the limit gets 413 before the handler runs; one
 * that fails while streaming (grows past the limit, stalls past the read timeout, bad chunk) gets
 * 400 naming the cause.
 */
final class StreamedUploads {
  /** The most bytes one upload may have: 4 GiB. */
  static final long LIMIT = 4L << 30;
  /** The longest sleep after a read, in ms. */
  static final long MAX_DELAY_MS = 1000;

  private StreamedUploads() {}

  /** Adds the route. */
  static App.Builder addTo(App.Builder app) {
    return app.route("PUT", "/upload", RouteOptions.defaults().lane(Lanes.FILES).streamedBody(LIMIT),
        (BlockingHandler) req -> {
          long delayMs = req.query().getLong("delay_ms", 0);
          if (delayMs < 0 || delayMs > MAX_DELAY_MS) {
            throw new HttpException(400, "delay_ms must be 0.." + MAX_DELAY_MS + ": " + delayMs);
          }
          MessageDigest sha = MessageDigest.getInstance("SHA-256");
          byte[] buf = new byte[64 * 1024];
          long total = 0;
          try (InputStream in = req.bodyStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
              sha.update(buf, 0, n);
              total += n;
              if (delayMs > 0) {
                Thread.sleep(delayMs);
              }
            }
          } catch (IOException e) {
            return Response.text(400, "upload failed after " + total + " bytes: " + e.getMessage());
          }
          Map<String, Object> answer = new LinkedHashMap<>();
          answer.put("bytes", total);
          answer.put("sha256", HexFormat.of().formatHex(sha.digest()));
          return Response.json(answer);
        });
  }
}

package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.background.BackgroundTasks;
import dev.lanes.forms.Form;
import dev.lanes.forms.UploadFile;
import dev.lanes.http.Response;
import dev.lanes.streaming.EventSourceResponse;
import dev.lanes.streaming.ServerSentEvent;
import dev.lanes.streaming.StreamingResponse;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Demo routes for the other kinds of work, each in its own lane: background tasks, streaming,
 * server-sent events and uploads (seed 004's scenario).
 */
final class IssueThreeRoutes {
  private IssueThreeRoutes() {}

  static void register(App.Builder app, Duration backgroundSleep, BackgroundLog log) {
    // Seed 004: the endpoint returns at once; the blocking task runs in the "background" lane.
    app.get("/background", req -> Response.json(Map.of("queued", true)).withBackground(
        BackgroundTasks.create().add("sleep", () -> {
          log.started();
          Thread.sleep(backgroundSleep);
        })));
    app.get("/background/starts", req -> {
      var lane = req.lanes().get("background").statistics();
      return Response.json(Map.of("startOffsetsMillis", log.startOffsetsMillis(),
          "lane", Map.of("capacity", lane.capacity(), "borrowed", lane.borrowed(),
              "waiting", lane.waiting(), "completed", lane.completed(), "failed", lane.failed())));
    });
    app.delete("/background/starts", req -> {
      log.clear();
      return Response.status(204);
    });
    app.get("/ping", req -> Response.text("pong"));
    app.get("/stream", req -> {
      int n = req.query().getInt("n", 10);
      long delay = req.query().getLong("delay_ms", 100);
      return StreamingResponse.of(lines(n, delay), "text/plain; charset=utf-8");
    });
    // Raw bytes for throughput and memory tests: mib MiB in 64 KiB chunks.
    app.get("/stream/bytes", req -> {
      long mib = req.query().getLong("mib", 1);
      byte[] chunk = new byte[64 * 1024];
      return StreamingResponse.writer(out -> {
        for (long i = 0; i < mib * 16; i++) {
          out.write(chunk);
        }
      }, "application/octet-stream");
    });
    app.get("/sse", req -> {
      int n = req.query().getInt("n", 10);
      long delay = req.query().getLong("delay_ms", 100);
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
    app.post("/upload", req -> {
      Form form = Form.read(req);
      List<Map<String, Object>> parts = new java.util.ArrayList<>();
      for (UploadFile f : form.files()) {
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("name", f.fieldName());
        part.put("filename", f.filename());
        part.put("size", f.size());
        part.put("sha256", sha256(f));
        parts.add(part);
      }
      for (String name : form.fields().names()) {
        byte[] value = form.fields().get(name).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        parts.add(Map.of("name", name, "size", value.length,
            "sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value))));
      }
      return Response.json(Map.of("parts", parts));
    });
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

  private static String sha256(UploadFile f) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = f.open()) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}

package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lane;
import dev.lanes.concurrency.LaneStatistics;
import dev.lanes.forms.Form;
import dev.lanes.http.Response;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of requests whose clients vanish at random points — mid-head, while waiting for a
 * lane token, mid-handler, mid-stream, mid-upload — must leave every lane at 0 borrowed and 0
 * waiting, and no temporary upload file behind.
 */
@Timeout(120)
class ChurnTest {
  private static final int CLIENTS = 2000;
  private static final String BOUNDARY = "churn";

  @Test
  void randomDisconnectsLeakNothing() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    long uploadsBefore = countUploads(tmp);
    long heapBefore = usedHeapAfterGc();
    App app = App.builder()
        .lane(Lane.builder("narrow").capacity(4)) // so many requests wait for a token
        .route("GET", "/narrow", "narrow", req -> {
          Thread.sleep(2);
          return Response.text("ok");
        })
        .get("/work", req -> {
          Thread.sleep(req.query().getInt("ms", 1));
          return Response.text("done");
        })
        .get("/stream", req -> StreamingResponse.of(Stream.iterate(0, i -> i + 1).limit(2000).map(i -> "line " + i + "\n"),
            "text/plain"))
        .post("/upload", req -> Response.text("files=" + Form.read(req).files().size()))
        .build();
    byte[] upload = multipart(new byte[1_200_000]); // over the 1 MiB spool threshold
    try (TestClient client = TestClient.start(app);
         ExecutorService pool = Executors.newFixedThreadPool(32)) {
      int port = client.port();
      assertThat(client.get("/narrow").text()).isEqualTo("ok");
      assertThat(client.post("/upload", upload, "multipart/form-data; boundary=" + BOUNDARY).text()).isEqualTo("files=1");
      List<Future<?>> runs = new ArrayList<>();
      Random seeds = new Random(42); // one stream of seeds: sequential seeds give java.util.Random alike first draws
      for (int i = 0; i < CLIENTS; i++) {
        long seed = seeds.nextLong();
        runs.add(pool.submit(() -> {
          oneClient(port, new Random(seed), upload);
          return null;
        }));
      }
      for (Future<?> f : runs) {
        f.get();
      }
      client.awaitIdle();
      Await.until(() -> client.server().inFlight() == 0, "no request in flight");
      for (LaneStatistics s : app.lanes().statistics()) {
        assertThat(s.borrowed()).as(s.name() + " borrowed").isZero();
        assertThat(s.waiting()).as(s.name() + " waiting").isZero();
      }
      // Every kind of route was hit and some of its work was cut short by a vanishing client.
      assertThat(app.lanes().get("narrow").statistics().completed()).isGreaterThan(50);
      assertThat(app.lanes().get("narrow").statistics().cancelled()).isPositive();
      assertThat(app.lanes().get("streaming").statistics().completed()
          + app.lanes().get("streaming").statistics().failed()).isGreaterThan(50);
      assertThat(app.lanes().get("files").statistics().completed()).isGreaterThan(20);
      Await.until(() -> countUploads(tmp) <= uploadsBefore, "temporary upload files removed");
      // The server still answers normally afterwards.
      assertThat(client.get("/work?ms=0").text()).isEqualTo("done");
      // ~600 MB of upload bodies went through; holding on to even a fraction of them would show.
      assertThat(usedHeapAfterGc() - heapBefore).as("heap growth, bytes").isLessThan(64L * 1024 * 1024);
    }
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void oneClient(int port, Random random, byte[] upload) throws IOException {
    String[] targets = {"/narrow", "/work?ms=5", "/stream", "/upload"};
    String target = targets[random.nextInt(targets.length)];
    byte[] request = target.equals("/upload")
        ? concat(("POST /upload HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY
            + "\r\nContent-Length: " + upload.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), upload)
        : ("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    int mode = random.nextInt(4); // 0: cut the head, 1: leave right after sending, 2: read a little, 3: read all
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.setSoLinger(true, 0); // an abrupt reset, like a client that crashes
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      if (mode == 0) {
        out.write(request, 0, 1 + random.nextInt(Math.min(request.length - 1, 40)));
        return;
      }
      out.write(request);
      out.flush();
      if (mode == 1) {
        return;
      }
      byte[] buf = new byte[8192];
      int limit = mode == 2 ? 1 + random.nextInt(3) : Integer.MAX_VALUE;
      for (int reads = 0; reads < limit; reads++) {
        int n = in.read(buf);
        if (n < 0) {
          return; // mode 3: the server closed after a complete response
        }
      }
    } catch (IOException e) {
      // the server may reset first; either way the client is gone
    }
  }

  private static byte[] multipart(byte[] file) {
    byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    return concat(concat(head, file), tail);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static long countUploads(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("FUp_")).count();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.lanes.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * A response whose end has been queued but whose bytes a slow client has not taken yet is not an
 * idle connection: the keep-alive timeout may not close it under the client, which would cut the
 * body short.
 */
class SlowReaderTest {
  private static final int SIZE = 8 * 1024 * 1024;
  private static final byte[] BIG = new byte[SIZE];

  static {
    Arrays.fill(BIG, (byte) 'a');
  }

  /** One chunk, then complete (onComplete needs no demand): the body's end is queued at once. */
  private static Flow.Publisher<byte[]> oneChunk(CountDownLatch completed) {
    return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
      boolean sent;

      @Override
      public void request(long n) {
        if (!sent) {
          sent = true;
          subscriber.onNext(BIG);
          subscriber.onComplete();
          completed.countDown();
        }
      }

      @Override
      public void cancel() {}
    });
  }

  private static Socket slowReader(int port) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(10_000);
    return s;
  }

  /**
   * Everything until the body ends (its last chunk, or as many bytes after the head as a body of
   * {@link #SIZE} takes), the server closes, or 10 s pass quietly. The tail is checked in place:
   * copying all that arrived at each of the thousands of small reads took minutes on a busy machine.
   */
  private static byte[] readAll(Socket s) throws IOException {
    byte[] all = new byte[SIZE + 64 * 1024];
    int length = 0;
    InputStream in = s.getInputStream();
    byte[] lastChunk = "\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] headEnd = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    int bodyStart = -1;
    try {
      int n;
      while ((n = in.read(all, length, Math.min(64 * 1024, all.length - length))) > 0) {
        length += n;
        if (all.length - length < 64 * 1024) {
          all = Arrays.copyOf(all, all.length * 2);
        }
        if (bodyStart < 0) {
          int at = indexOf(Arrays.copyOf(all, Math.min(length, 4096)), headEnd);
          bodyStart = at < 0 ? -1 : at + headEnd.length;
        }
        if (length >= lastChunk.length
            && Arrays.equals(all, length - lastChunk.length, length, lastChunk, 0, lastChunk.length)) {
          break; // the chunked body ended properly
        }
        if (bodyStart >= 0 && length - bodyStart >= SIZE
            && new String(all, 0, bodyStart, StandardCharsets.ISO_8859_1).contains("content-length: ")) {
          break; // a body of known length arrived whole
        }
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // what arrived is what we judge
    }
    return Arrays.copyOf(all, length);
  }

  /** Waits (bounded) for {@code counter} to pass {@code before}; returns whether it did. */
  private static boolean within(Duration d, LongSupplier counter, long before) throws InterruptedException {
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < end) {
      if (counter.getAsLong() > before) {
        return true;
      }
      Thread.sleep(10);
    }
    return false;
  }

  @Test
  void keepAliveTimeoutDoesNotCutAPublishedBodyTheClientIsStillReading() throws Exception {
    CountDownLatch completed = new CountDownLatch(1);
    App app = App.builder()
        .getAsync("/pub", req -> CompletableFuture.completedFuture(
            StreamingResponse.publisher(oneChunk(completed), "application/octet-stream")))
        .build();
    try (TestClient client = TestClient.start(app, ServerConfig.builder()
        .keepAliveTimeout(Duration.ofMillis(200)));
         Socket s = slowReader(client.port())) {
      s.getOutputStream().write("GET /pub HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(completed.await(10, TimeUnit.SECONDS)).isTrue();
      // The client is slow: it has not read yet when the keep-alive period would have passed.
      boolean timedOut = within(Duration.ofSeconds(2), () -> client.server().statistics().keepAliveTimeouts(), 0);
      byte[] got = readAll(s);
      assertThat(new String(got, 0, 12, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
      assertThat(endsProperly(got)).as("chunked body ended with its last chunk (received %d bytes for a %d-byte body)",
          got.length, SIZE).isTrue();
      assertThat(timedOut).as("keep-alive timeout counted while the body was still being sent").isFalse();
    }
  }

  @Test
  void keepAliveTimeoutDoesNotCutAnInMemoryBodyTheClientIsStillReading() throws Exception {
    App app = App.builder()
        .getAsync("/mem", req -> CompletableFuture.completedFuture(
            Response.bytes(BIG, "application/octet-stream")))
        .build();
    try (TestClient client = TestClient.start(app, ServerConfig.builder()
        .keepAliveTimeout(Duration.ofMillis(200)));
         Socket s = slowReader(client.port())) {
      s.getOutputStream().write("GET /mem HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      boolean timedOut = within(Duration.ofSeconds(2), () -> client.server().statistics().keepAliveTimeouts(), 0);
      byte[] got = readAll(s);
      String text = new String(got, 0, Math.min(got.length, 200), StandardCharsets.ISO_8859_1);
      assertThat(text).startsWith("HTTP/1.1 200").contains("content-length: " + SIZE);
      int headEnd = indexOf(got, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)) + 4;
      assertThat(got.length - headEnd).as("body bytes received").isEqualTo(SIZE);
      assertThat(timedOut).as("keep-alive timeout counted while the body was still being sent").isFalse();
    }
  }

  private static boolean endsProperly(byte[] got) {
    byte[] t = "\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    return got.length >= t.length && Arrays.equals(got, got.length - t.length, got.length, t, 0, t.length);
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}

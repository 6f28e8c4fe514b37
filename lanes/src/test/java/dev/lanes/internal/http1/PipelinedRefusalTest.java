package dev.lanes.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/limits.md: "A refused request is answered in order after the requests pipelined before it
 * (the failure travels as the decoder result), then the connection closes." A body too large
 * for maxBodySize is one such refusal (413).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PipelinedRefusalTest {
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private Server server;

  @BeforeEach
  void start() {
    App app = App.builder()
        .get("/slow", req -> {
          entered.countDown();
          release.await();
          return Response.text("slow done");
        })
        .postAsync("/", req -> java.util.concurrent.CompletableFuture.completedFuture(Response.text("posted")))
        .build();
    server = Server.start(app, ServerConfig.builder().host("127.0.0.1").port(0)
        .maxBodySize(1000).shutdownGrace(Duration.ofSeconds(1)).build());
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.close();
  }

  @Test
  void declaredTooLargeBodyIsAnsweredAfterTheRequestPipelinedBeforeIt() throws Exception {
    assertThat(pipelinedBehindSlow("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000\r\n\r\n"))
        .containsExactly(200, 413);
  }

  @Test
  void chunkedTooLargeBodyIsAnsweredAfterTheRequestPipelinedBeforeIt() throws Exception {
    assertThat(pipelinedBehindSlow("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "7D0\r\n" + "a".repeat(2000) + "\r\n0\r\n\r\n"))
        .containsExactly(200, 413);
  }

  /** GET /slow, then (once its handler runs) {@code second}; the statuses read until close. */
  private List<Integer> pipelinedBehindSlow(String second) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      s.getOutputStream().write(second.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      // While /slow is still being handled nothing may be answered: its response comes first.
      SocketReads.readInto(s, got, 1000);
      release.countDown();
      SocketReads.readInto(s, got, 10_000);
      String text = got.toString(StandardCharsets.ISO_8859_1);
      List<Integer> statuses = new ArrayList<>();
      Matcher m = Pattern.compile("HTTP/1\\.1 (\\d{3}) ").matcher(text);
      while (m.find()) {
        statuses.add(Integer.parseInt(m.group(1)));
      }
      return statuses;
    }
  }
}

package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import io.netty.handler.codec.http2.Http2Error;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rapid-reset limit (CVE-2023-44487: 200 RST_STREAM in 30 s, then GOAWAY
 * {@code ENHANCE_YOUR_CALM}) is for resets a client sends to cancel work. A client whose uploads
 * the server refuses, more of them on one connection than that limit, is not cut off: the server
 * resets them with {@code NO_ERROR} after its 413 (RFC 9113 8.1), which no limit counts, and a
 * client's own reset of a stream the server has already reset is not counted either.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http2ServerResetsTest {
  /** More than the limit's 200 in its 30 s window. */
  private static final int STREAMS = 250;
  /** Streams opened at once: under the 100 a connection may have open. */
  private static final int BATCH = 50;
  private static final int MAX_BODY = 1000;
  private static TestClient client;

  @BeforeAll
  static void start() {
    App app = App.builder()
        .postAsync("/upload", req -> CompletableFuture.completedFuture(Response.text("stored")))
        .get("/plain", req -> Response.text("plain"))
        // Fails after its first bytes: the server ends the stream with RST_STREAM(INTERNAL_ERROR).
        .get("/broken", req -> Response.of(200, "text/plain", new ResponseBody.Written(out -> {
          out.write("partial".getBytes());
          out.flush();
          throw new IOException("the source failed");
        }, Lanes.STREAMING, -1)))
        .build();
    client = TestClient.start(app, ServerConfig.builder().h2c(true).maxBodySize(MAX_BODY));
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static void assertStillServes(RawH2 c, int stream) throws Exception {
    c.headers(stream, RawH2.request("GET", "/plain"), true);
    RawH2.Frame answer = c.answer(stream, 10);
    assertThat(answer).as("the connection still serves").isNotNull();
    assertThat(answer.type()).as(answer.toString()).isEqualTo(RawH2.HEADERS);
    assertThat(answer.headers().status().toString()).isEqualTo("200");
  }

  /** Opens one stream of a batch (its id given). */
  private interface Opener {
    void open(RawH2 c, int stream) throws Exception;
  }

  /**
   * Opens {@link #STREAMS} streams in batches of {@link #BATCH} (under the 100 concurrent streams)
   * and returns, per stream, the frames the server ended it with: its HEADERS' status, if any, and
   * its RST_STREAM's error code. Fails on a GOAWAY or the connection's end.
   */
  private static Map<Integer, List<String>> run(RawH2 c, Opener opener, boolean clientResets) throws Exception {
    Map<Integer, List<String>> ends = new TreeMap<>();
    int stream = 1;
    for (int sent = 0; sent < STREAMS; sent += BATCH) {
      Set<Integer> open = new HashSet<>();
      for (int i = 0; i < BATCH; i++, stream += 2) {
        opener.open(c, stream);
        open.add(stream);
      }
      while (!open.isEmpty()) {
        RawH2.Frame f = c.frames.poll(10, TimeUnit.SECONDS);
        assertThat(f).as("an answer for each of " + open).isNotNull();
        assertThat(f.type()).as(f.toString()).isNotIn(RawH2.GOAWAY, RawH2.EOF);
        if (f.type() == RawH2.HEADERS) {
          ends.computeIfAbsent(f.stream(), k -> new ArrayList<>()).add(f.headers().status().toString());
        } else if (f.type() == RawH2.RST_STREAM) {
          ends.computeIfAbsent(f.stream(), k -> new ArrayList<>()).add("RST " + f.error());
          open.remove(f.stream());
          if (clientResets) {
            c.rst(f.stream(), (int) Http2Error.CANCEL.code());
          }
        }
      }
    }
    assertStillServes(c, stream);
    return ends;
  }

  /** A declared length past the limit: 413 from the head, then RST_STREAM(NO_ERROR) while the body is unsent. */
  @Test
  void moreRefusedDeclaredUploadsThanTheResetLimitKeepTheConnection() throws Exception {
    try (RawH2 c = new RawH2(client.port())) {
      c.awaitServerSettings();
      Map<Integer, List<String>> ends = run(c, (h2, stream) -> h2.headers(stream,
          RawH2.request("POST", "/upload").setInt("content-length", 2 * MAX_BODY), false), false);
      assertThat(ends).hasSize(STREAMS);
      assertThat(ends.values()).containsOnly(List.of("413", "RST " + Http2Error.NO_ERROR.code()));
    }
  }

  /**
   * A body without a declared length that grows past the limit: 413, then RST_STREAM(NO_ERROR);
   * the client answers each reset with one of its own (CANCEL), as some clients do.
   */
  @Test
  void moreRefusedUploadsThanTheResetLimitKeepTheConnectionEvenWhenTheClientResetsToo() throws Exception {
    try (RawH2 c = new RawH2(client.port())) {
      c.awaitServerSettings();
      Map<Integer, List<String>> ends = run(c, (h2, stream) -> {
        h2.headers(stream, RawH2.request("POST", "/upload"), false);
        h2.data(stream, new byte[2 * MAX_BODY], false);
      }, true);
      assertThat(ends).hasSize(STREAMS);
      assertThat(ends.values()).containsOnly(List.of("413", "RST " + Http2Error.NO_ERROR.code()));
    }
  }

  /**
   * The server's own failures: a response whose source fails midway ends its stream with
   * RST_STREAM(INTERNAL_ERROR). More of them than the reset limit on one connection is the
   * server's fault, not a flood: the client keeps its connection.
   */
  @Test
  void moreFailedResponsesThanTheResetLimitKeepTheConnection() throws Exception {
    try (RawH2 c = new RawH2(client.port())) {
      c.awaitServerSettings();
      Map<Integer, List<String>> ends = run(c,
          (h2, stream) -> h2.headers(stream, RawH2.request("GET", "/broken"), true), false);
      assertThat(ends).hasSize(STREAMS);
      assertThat(ends.values()).containsOnly(List.of("200", "RST " + Http2Error.INTERNAL_ERROR.code()));
    }
  }
}

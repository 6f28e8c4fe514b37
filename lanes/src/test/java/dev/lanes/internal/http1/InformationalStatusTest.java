package dev.lanes.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.streaming.StreamingResponse;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A handler that returns a 1xx status as its response gets a 500 in its place: sent as it is,
 * the client would wait for a final response for good, and the connection's pairing of requests
 * and responses would slip (a later HEAD answered with a body).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InformationalStatusTest {
  private Server server;

  @BeforeEach
  void start() {
    App app = App.builder()
        .get("/early", req -> Response.status(103).withHeader("Link", "</a.css>; rel=preload"))
        .get("/stream", req -> StreamingResponse.of(List.of("a", "b").iterator(), "text/plain"))
        .build();
    server = Server.start(app, ServerConfig.builder().host("127.0.0.1").port(0)
        // short keep-alive: an idle connection must be closed after 1 s
        .keepAliveTimeout(Duration.ofSeconds(1))
        .shutdownGrace(Duration.ofSeconds(1)).build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aRequestWhoseHandlerReturnsA1xxGetsA500AndTheConnectionStaysInStep() throws Exception {
    String text = exchange("GET /early HTTP/1.1\r\nHost: a\r\n\r\n", 5000);
    assertThat(statuses(text)).as(text).containsExactly(500);
    assertThat(text).as("closed by the keep-alive timeout, not left open").endsWith("<closed by server>");
  }

  @Test
  void headPipelinedAfterA1xxHandlerHasNoBody() throws Exception {
    String text = exchange("GET /early HTTP/1.1\r\nHost: a\r\n\r\n"
        + "HEAD /stream HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 5000);
    int head = text.indexOf("transfer-encoding: chunked\r\n\r\n");
    assertThat(head).as(text).isPositive();
    assertThat(text.substring(head + "transfer-encoding: chunked\r\n\r\n".length()))
        .as("bytes after the HEAD response's head").isEqualTo("<closed by server>");
  }

  /** Sends {@code request}, reads until close or until nothing came for {@code quietMillis}. */
  private String exchange(String request, int quietMillis) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      String end = switch (SocketReads.readInto(s, got, quietMillis)) {
        case CLOSED -> "<closed by server>";
        case QUIET -> "<still open, nothing more after 5 s>";
        case RESET -> "<reset>";
      };
      return got.toString(StandardCharsets.ISO_8859_1) + end;
    }
  }

  private static List<Integer> statuses(String text) {
    List<Integer> statuses = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^HTTP/1\\.1 (\\d{3}) ").matcher(text);
    while (m.find()) {
      statuses.add(Integer.parseInt(m.group(1)));
    }
    return statuses;
  }
}

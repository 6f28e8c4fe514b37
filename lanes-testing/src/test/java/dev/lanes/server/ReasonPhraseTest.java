package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The status line says the registered phrase of a handler's status (IANA's registry, RFC 9110's
 * names; 418 as Python's {@code http.HTTPStatus} names it), on every way a response goes out: a
 * whole in-memory response, one through the compressor, a streamed one's head.
 */
class ReasonPhraseTest {
  private static final Map<Integer, String> PHRASES = Map.of(
      200, "OK", 413, "Content Too Large", 418, "I'm a Teapot", 422, "Unprocessable Content",
      414, "URI Too Long", 416, "Range Not Satisfiable", 425, "Too Early", 451, "Unavailable For Legal Reasons",
      508, "Loop Detected");

  private static App app() {
    return App.builder()
        .get("/bytes/{status}", req -> Response.text(req.pathParams().getInt("status"), "x".repeat(2048)))
        .get("/streamed/{status}", req -> StreamingResponse.writer(
            out -> out.write("body".getBytes(StandardCharsets.UTF_8)), "text/plain")
            .withStatus(req.pathParams().getInt("status")))
        .build();
  }

  @Test
  void everyWayAResponseGoesOutSaysTheRegisteredPhrase() {
    for (boolean compresses : new boolean[] {false, true}) {
      ServerConfig.Builder config = compresses
          ? ServerConfig.builder().compression(Compression.on()) : ServerConfig.builder();
      try (TestClient server = TestClient.start(app(), config)) {
        for (var e : PHRASES.entrySet()) {
          for (String kind : new String[] {"bytes", "streamed"}) {
            for (String accept : new String[] {"", "Accept-Encoding: gzip\r\n"}) {
              String line = statusLine(server.port(), "/" + kind + "/" + e.getKey(), accept);
              assertThat(line).as("%s %s compresses=%s", kind, accept, compresses)
                  .isEqualTo("HTTP/1.1 " + e.getKey() + " " + e.getValue());
            }
          }
        }
      }
    }
  }

  private static String statusLine(int port, String path, String extra) {
    try (RawClient c = RawClient.connect(port)) {
      String line = c.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n" + extra + "\r\n").readUntil("\r\n");
      return line.substring(0, line.length() - 2);
    }
  }
}

package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.streaming.StreamingResponse;
import dev.lanes.testing.TestClient;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The length of a stream's body is the server's to say: a handler's {@code Content-Length} that
 * disagreed with the DATA frames would make the stream malformed (RFC 9113 8.1.1), and a client
 * that checks, as Netty's does, resets it.
 */
@Timeout(60)
class Http2ResponseFramingTest {

  @Test
  void aHandlersContentLengthNeverContradictsTheBodySent() throws Exception {
    App app = App.builder()
        .get("/streamed", req -> StreamingResponse.writer(
            out -> out.write("hello world".getBytes(StandardCharsets.UTF_8)), "text/plain")
            .withHeader("Content-Length", "5"))
        .get("/bytes", req -> Response.text("hello world").withHeader("Content-Length", "5"))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true));
        H2Client client = H2Client.connect(server.port())) {
      H2Client.Stream streamed = client.get("/streamed");
      Http2Headers head = streamed.headers.get(10, TimeUnit.SECONDS);
      assertThat(head.getAll("content-length")).isEmpty(); // unknown until the stream ends
      assertThat(streamed.text()).isEqualTo("hello world");

      H2Client.Stream bytes = client.get("/bytes");
      assertThat(bytes.headers.get(10, TimeUnit.SECONDS).getAll("content-length")).extracting(CharSequence::toString)
          .containsExactly("11");
      assertThat(bytes.text()).isEqualTo("hello world");
    }
  }
}

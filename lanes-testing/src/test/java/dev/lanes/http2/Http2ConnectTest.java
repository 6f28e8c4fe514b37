package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 9113 8.5: a CONNECT stream carries :method and :authority only, and stays open for the
 * tunnel's bytes. Lanes is no proxy: it answers 501 Not Implemented (RFC 9110 15.6.2: a method
 * the server supports for no resource) at once, as on HTTP/1.1, without waiting for the stream
 * to end, and the connection serves on.
 */
@Timeout(60)
class Http2ConnectTest {

  @Test
  void aConnectStreamIsAnswered501AtOnceAndTheConnectionServesOn() throws Exception {
    App app = App.builder().get("/h", req -> Response.text("h")).build();
    // A body read timeout far past the answer's wait: a server waiting for the stream to end
    // would leave the CONNECT unanswered.
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true)
            .bodyReadTimeout(Duration.ofMinutes(5)));
        RawH2 c = new RawH2(server.port())) {
      long before = server.server().statistics().badRequests();
      c.headers(1, new DefaultHttp2Headers(false).method("CONNECT").authority("example.com:443"), false);
      RawH2.Frame answer = c.answer(1, 10);
      assertThat(answer).as("an answer to the open CONNECT stream").isNotNull();
      assertThat(answer.type()).as(answer.toString()).isEqualTo(RawH2.HEADERS);
      assertThat(answer.headers().status().toString()).isEqualTo("501");
      assertThat(server.server().statistics().badRequests() - before).isEqualTo(1);

      c.headers(3, new DefaultHttp2Headers(false).method("CONNECT").authority("example.com:443"), true);
      RawH2.Frame ended = c.answer(3, 10);
      assertThat(ended.type()).as(ended.toString()).isEqualTo(RawH2.HEADERS);
      assertThat(ended.headers().status().toString()).isEqualTo("501");

      c.headers(5, RawH2.request("GET", "/h"), true);
      RawH2.Frame served = c.answer(5, 10);
      assertThat(served.type()).as(served.toString()).isEqualTo(RawH2.HEADERS);
      assertThat(served.headers().status().toString()).as("the connection still serves").isEqualTo("200");
    }
  }
}

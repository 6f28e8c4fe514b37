package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.middleware.Cors;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** On HTTP/2 too, the app's {@link Cors} headers go on the answers a stream gets from its head (413). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http2CorsOnRefusalsTest {

  @Test
  void aDeclaredLengthPastTheLimitIsRefusedWithTheCorsHeaders() throws Exception {
    App app = App.builder()
        .middleware(Cors.builder().allowOrigins("https://app.example").build())
        .post("/up", req -> Response.text("got " + req.body().length))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().h2c(true).maxBodySize(1000));
        RawH2 c = new RawH2(server.port())) {
      c.awaitServerSettings();
      Http2Headers head = RawH2.request("POST", "/up").set("content-length", "5000")
          .set("origin", "https://app.example");
      c.headers(1, head, false); // a body is to follow; none is sent
      RawH2.Frame answer = c.answer(1, 10);
      assertThat(answer.headers().status().toString()).isEqualTo("413");
      assertThat(answer.headers().get("access-control-allow-origin")).hasToString("https://app.example");
      assertThat(answer.headers().get("vary")).hasToString("Origin");
    }
  }
}

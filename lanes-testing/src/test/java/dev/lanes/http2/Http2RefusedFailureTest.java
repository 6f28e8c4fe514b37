package dev.lanes.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Headers;
import dev.lanes.http.Response;
import dev.lanes.routing.Endpoint;
import dev.lanes.routing.Middleware;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.TestClient;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On HTTP/2 too, a {@link Middleware#refused} that throws an {@code Error} leaves the server's
 * answer as it was: the stream gets its 413, from its head or from a body that passes the limit.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http2RefusedFailureTest {
  private static final Middleware FAILS_ON_REFUSALS = new Middleware() {
    @Override
    public Endpoint wrap(Endpoint next) {
      return next;
    }

    @Override
    public Response refused(Headers request, Response answer) {
      throw new AssertionError("refused failed");
    }
  };

  private static TestClient start() {
    App app = App.builder()
        .middleware(FAILS_ON_REFUSALS)
        .post("/up", req -> Response.text("got " + req.body().length))
        .build();
    return TestClient.start(app, ServerConfig.builder().h2c(true).maxBodySize(1000));
  }

  @Test
  void aDeclaredLengthPastTheLimitIsStillRefused() throws Exception {
    try (TestClient server = start(); RawH2 c = new RawH2(server.port())) {
      c.awaitServerSettings();
      c.headers(1, RawH2.request("POST", "/up").set("content-length", "5000"), false);
      RawH2.Frame answer = c.answer(1, 10);
      assertThat(answer).isNotNull();
      assertThat(answer.type()).as(answer.toString()).isEqualTo(RawH2.HEADERS);
      assertThat(answer.headers().status().toString()).isEqualTo("413");
    }
  }

  @Test
  void aBodyPastTheLimitIsStillRefused() throws Exception {
    try (TestClient server = start(); RawH2 c = new RawH2(server.port())) {
      c.awaitServerSettings();
      Http2Headers head = RawH2.request("POST", "/up");
      c.headers(1, head, false);
      c.data(1, new byte[2000], false);
      RawH2.Frame answer = c.answer(1, 10);
      assertThat(answer).isNotNull();
      assertThat(answer.type()).as(answer.toString()).isEqualTo(RawH2.HEADERS);
      assertThat(answer.headers().status().toString()).isEqualTo("413");
    }
  }
}

package dev.lanes.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Headers;
import dev.lanes.http.Response;
import dev.lanes.routing.Endpoint;
import dev.lanes.routing.Middleware;
import dev.lanes.server.ServerConfig;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link Middleware#refused} that fails (throws, an {@code Error} too, or returns null) leaves
 * the server's answer as it was: the client still gets its 413, as a middleware's failure on a
 * routed request still gets an answer.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MiddlewareRefusedFailureTest {

  /** A middleware that adds nothing to routed requests and fails on refusals as {@code failure} says. */
  private static Middleware failingOnRefusals(Supplier<Response> failure) {
    return new Middleware() {
      @Override
      public Endpoint wrap(Endpoint next) {
        return next;
      }

      @Override
      public Response refused(Headers request, Response answer) {
        return failure.get();
      }
    };
  }

  private static RawResponse tooLarge(Middleware m) {
    App app = App.builder()
        .middleware(Cors.builder().allowOrigins("https://app.example").build())
        .middleware(m)
        .post("/up", req -> Response.text("got " + req.body().length))
        .build();
    try (TestClient server = TestClient.start(app, ServerConfig.builder().maxBodySize(1000));
        RawClient c = RawClient.connect(server.port())) {
      return c.send("POST /up HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n"
          + "Content-Length: 5000\r\n\r\n").read();
    }
  }

  @Test
  void aRuntimeExceptionLeavesTheAnswer() {
    RawResponse r = tooLarge(failingOnRefusals(() -> {
      throw new IllegalStateException("refused failed");
    }));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.header("access-control-allow-origin")).contains("https://app.example");
  }

  @Test
  void nullLeavesTheAnswer() {
    RawResponse r = tooLarge(failingOnRefusals(() -> null));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.header("access-control-allow-origin")).contains("https://app.example");
  }

  /** An Error (a failed assertion) too, as a handler's or a middleware's Error on a routed request is answered. */
  @Test
  void anErrorLeavesTheAnswer() {
    RawResponse r = tooLarge(failingOnRefusals(() -> {
      throw new AssertionError("refused failed");
    }));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.header("access-control-allow-origin")).contains("https://app.example");
  }
}

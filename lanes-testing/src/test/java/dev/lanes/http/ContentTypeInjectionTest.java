package dev.lanes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A Content-Type given to Response.bytes or Response.of is checked as withHeader checks one: CR/LF would split the head. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ContentTypeInjectionTest {

  @Test
  void contentTypeWithCrLfIsRefusedLikeWithHeader() {
    // withHeader("Content-Type", ...) refuses CR/LF; the factory taking a content type does not.
    assertThatThrownBy(() -> Response.text("x").withHeader("Content-Type", "text/plain\r\nX-Injected: 1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Response.bytes("x".getBytes(StandardCharsets.UTF_8), "text/plain\r\nX-Injected: 1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void contentTypeCannotInjectAHeaderOnTheWire() {
    App app = App.builder()
        .get("/dl", req -> Response.bytes("hello".getBytes(StandardCharsets.UTF_8),
            req.query().optional("type").orElse("application/octet-stream")))
        .build();
    try (TestClient client = TestClient.start(app)) {
      // %0D%0A in the query decodes to CR LF, as a handler echoing a requested type would pass it on.
      RawClient.Transcript t = RawClient.exchange(client.port(),
          "GET /dl?type=text/plain%0D%0ASet-Cookie:%20session=attacker HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(t.text()).doesNotContainIgnoringCase("\r\nSet-Cookie: session=attacker\r\n");
    }
  }
}

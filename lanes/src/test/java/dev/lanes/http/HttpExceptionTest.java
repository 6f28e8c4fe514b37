package dev.lanes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpExceptionTest {
  @Test
  void aNullMessageIsRefusedWhereItIsWrittenNotWhenTheErrorIsAnswered() {
    // Accepted before, it failed only in the error mapper: a 500 instead of the status asked for.
    assertThatThrownBy(() -> new HttpException(404, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("message is null");
    assertThatThrownBy(() -> new HttpException(401, null, Map.of("WWW-Authenticate", "Bearer")))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("message is null");
  }

  @Test
  void statusMessageAndHeadersAreKept() {
    HttpException e = new HttpException(405, "Method Not Allowed", Map.of("Allow", "GET"));
    assertThat(e.status()).isEqualTo(405);
    assertThat(e.getMessage()).isEqualTo("Method Not Allowed");
    assertThat(e.headers()).containsExactly(Map.entry("Allow", "GET"));
    assertThatThrownBy(() -> new HttpException(200, "OK")).isInstanceOf(IllegalArgumentException.class);
  }
}

package dev.lanes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ResponseTest {

  private static byte[] bytes(Response r) {
    return ((ResponseBody.Bytes) r.body()).data();
  }

  @Test
  void text() {
    Response r = Response.text("héllo");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).contains("text/plain; charset=utf-8");
    assertThat(bytes(r)).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
    assertThat(r.body().length()).isEqualTo(6);
    assertThat(Response.text(418, "teapot").status()).isEqualTo(418);
  }

  @Test
  void jsonKeepsTheValueUntilTheAppsCodecEncodesIt() {
    Map<String, List<Integer>> value = Map.of("a", List.of(1, 2));
    Response r = Response.json(value);
    assertThat(r.contentType()).contains("application/json");
    assertThat(r.body()).isEqualTo(new ResponseBody.Json(value));
    Response encoded = JsonCodec.defaults().encode(r);
    assertThat(new String(bytes(encoded), StandardCharsets.UTF_8)).isEqualTo("{\"a\":[1,2]}");
  }

  @Test
  void bytesAreCopied() {
    byte[] data = {1, 2, 3};
    Response r = Response.bytes(data);
    data[0] = 9;
    assertThat(bytes(r)).containsExactly(1, 2, 3);
    assertThat(r.contentType()).contains("application/octet-stream");
    assertThat(Response.bytes(data, "image/png").contentType()).contains("image/png");
  }

  @Test
  void statusOnlyHasNoBodyAndNoContentType() {
    Response r = Response.status(204);
    assertThat(r.status()).isEqualTo(204);
    assertThat(r.contentType()).isEmpty();
    assertThat(r.body().length()).isZero();
    assertThatThrownBy(() -> Response.status(99)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Response.status(600)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withMethodsReturnCopies() {
    Response base = Response.text("x");
    Response changed = base.withStatus(201).withHeader("X-A", "1").withHeader("Set-Cookie", "a=1")
        .withHeader("Set-Cookie", "b=2");
    assertThat(base.status()).isEqualTo(200);
    assertThat(base.headers()).isEmpty();
    assertThat(changed.status()).isEqualTo(201);
    assertThat(changed.headers()).containsExactly(Map.entry("X-A", "1"), Map.entry("Set-Cookie", "a=1"),
        Map.entry("Set-Cookie", "b=2"));
    assertThat(changed.header("x-a")).contains("1");
    assertThat(changed.header("set-cookie")).contains("a=1");
    assertThat(changed.header("missing")).isEmpty();
  }

  @Test
  void withoutHeaderDropsEveryValueOfThatNameOnly() {
    Response base = Response.text("x").withHeader("Set-Cookie", "a=1").withHeader("X-A", "1")
        .withHeader("set-cookie", "b=2");
    Response r = base.withoutHeader("SET-COOKIE");
    assertThat(r.headers()).containsExactly(Map.entry("X-A", "1"));
    assertThat(base.headers()).hasSize(3);
    assertThat(r.withoutHeader("missing")).isSameAs(r);
    assertThat(r.withoutHeader("Content-Type").contentType()).isEmpty();
  }

  @Test
  void contentTypeHeaderReplacesTheContentType() {
    Response r = Response.text("x").withHeader("Content-Type", "text/csv");
    assertThat(r.contentType()).contains("text/csv");
    assertThat(r.header("content-type")).contains("text/csv");
    assertThat(r.headers()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\rb", "a\nb", "a\r\nSet-Cookie: evil=1", "nul\0"})
  void headerValuesWithCrLfOrNulAreRejected(String value) {
    assertThatThrownBy(() -> Response.text("x").withHeader("X-Test", value))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "X Test", "X:Test", "X\r\nEvil", "Ä", "a(b)", "a/b"})
  void invalidHeaderNamesAreRejected(String name) {
    assertThatThrownBy(() -> Response.text("x").withHeader(name, "v"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A null says which value is missing, not which String method could not be called. */
  @Test
  void aNullHeaderValueOrContentTypeIsNamed() {
    assertThatThrownBy(() -> Response.text("x").withHeader("X-Request-Id", null))
        .isInstanceOf(NullPointerException.class).hasMessage("header X-Request-Id has a null value");
    assertThatThrownBy(() -> Response.bytes(new byte[] {1}, null))
        .isInstanceOf(NullPointerException.class).hasMessageStartingWith("contentType is null")
        .hasMessageContaining("Response.of(status, null, body)");
    assertThat(Response.of(200, null, new ResponseBody.Bytes(new byte[] {1})).contentType())
        .as("Response.of takes null for no Content-Type").isEmpty();
  }

  @Test
  void validHeadersAreAccepted() {
    assertThat(Response.text("x").withHeader("X-Custom_Header.1", "tab\tand spaces, and ünïcode").header("x-custom_header.1"))
        .contains("tab\tand spaces, and ünïcode");
  }
}

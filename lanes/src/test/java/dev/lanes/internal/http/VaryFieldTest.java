package dev.lanes.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One {@code Vary} field out of a response's lines and an added token: each token once, {@code *} alone. */
class VaryFieldTest {
  @Test
  void addsTheTokenToWhatTheLinesSay() {
    assertThat(VaryField.with(List.of(), "Accept-Encoding")).isEqualTo("Accept-Encoding");
    assertThat(VaryField.with(List.of("Origin"), "Accept-Encoding")).isEqualTo("Origin, Accept-Encoding");
    assertThat(VaryField.with(List.of("Cookie", "Origin,User-Agent"), "Accept-Encoding"))
        .isEqualTo("Cookie, Origin, User-Agent, Accept-Encoding");
  }

  @Test
  void namesEachTokenOnceWhateverItsCase() {
    assertThat(VaryField.with(List.of("accept-encoding"), "Accept-Encoding")).isEqualTo("accept-encoding");
    assertThat(VaryField.with(List.of("Origin, ACCEPT-ENCODING", "origin"), "Accept-Encoding"))
        .isEqualTo("Origin, ACCEPT-ENCODING");
    assertThat(VaryField.with(List.of(" , Origin ,, "), "Cookie")).isEqualTo("Origin, Cookie");
  }

  @Test
  void aStarStaysAlone() {
    assertThat(VaryField.with(List.of("*"), "Accept-Encoding")).isEqualTo("*");
    assertThat(VaryField.with(List.of("Origin", "*"), "Accept-Encoding")).isEqualTo("*");
    assertThat(VaryField.with(List.of("Origin"), "*")).isEqualTo("*");
  }

  @Test
  void readsTheVaryLinesAmongAResponsesHeaders() {
    List<Map.Entry<String, String>> headers = List.of(Map.entry("ETag", "\"a\""), Map.entry("vary", "Origin"),
        Map.entry("Cache-Control", "no-cache"), Map.entry("VARY", "Cookie"));
    assertThat(VaryField.in(headers, "Accept-Encoding")).isEqualTo("Origin, Cookie, Accept-Encoding");
    assertThat(VaryField.in(List.of(), "Origin")).isEqualTo("Origin");
  }
}

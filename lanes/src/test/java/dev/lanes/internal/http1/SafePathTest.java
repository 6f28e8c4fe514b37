package dev.lanes.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SafePathTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/files/a+b%20c, /files/a+b c", // '+' is literal in a path, also when something is escaped
      "/files/a+b,     /files/a+b",
      "/a%2Bb,         /a+b",
      "/caf%C3%A9,     /café",
      "/a%2Fb,         /a/b",
      "/plain/path,    /plain/path",
      "/,              /"})
  void decodesPercentEscapesAndNothingElse(String raw, String decoded) {
    assertThat(SafePath.decode(raw)).isEqualTo(decoded);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/x%zz", "/x%2", "/x%"})
  void malformedEscapesAreRefused(String raw) {
    assertThatThrownBy(() -> SafePath.decode(raw)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("malformed percent-encoding in path");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/x%00", "/x%0d%0aA:b", "/x%7f", "/x\t"})
  void controlCharactersAreRefused(String raw) {
    assertThatThrownBy(() -> SafePath.decode(raw)).hasMessage("control character in path");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a/../b", "/a/%2e%2e/b", "/..", "/.", "/a/./b", "/a/%2E"})
  void dotSegmentsAreRefused(String raw) {
    assertThatThrownBy(() -> SafePath.decode(raw)).hasMessage("'.' or '..' segment in path");
  }

  @Test
  void dotsInsideASegmentAreFine() {
    assertThat(SafePath.decode("/a/..b/c.d/...")).isEqualTo("/a/..b/c.d/...");
  }
}

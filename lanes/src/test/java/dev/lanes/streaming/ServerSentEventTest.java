package dev.lanes.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What an event may carry: fields a browser's EventSource would drop or misread are refused at construction. */
class ServerSentEventTest {

  @Test
  void anIdWithNulIsRefusedBecauseBrowsersIgnoreIt() {
    assertThatThrownBy(() -> ServerSentEvent.of("x").withId("a\0b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id")
        .hasMessageContaining("NUL");
    assertThatThrownBy(() -> new ServerSentEvent("x", Optional.of("\0"), Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNegativeRetryIsRefused() {
    assertThatThrownBy(() -> ServerSentEvent.of("x").withRetry(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retry");
  }

  @Test
  void lineBreaksInIdOrEventAreRefused() {
    for (String bad : new String[] {"a\nb", "a\rb", "a\r\nb"}) {
      assertThatThrownBy(() -> ServerSentEvent.of("x").withId(bad)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> ServerSentEvent.of("x").withEvent(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void validFieldsAreEncodedAsBefore() {
    ServerSentEvent e = ServerSentEvent.of("a\nb").withId("7").withEvent("tick").withRetry(Duration.ZERO);
    assertThat(new String(e.encode(), StandardCharsets.UTF_8))
        .isEqualTo("id: 7\nevent: tick\nretry: 0\ndata: a\ndata: b\n\n");
  }
}

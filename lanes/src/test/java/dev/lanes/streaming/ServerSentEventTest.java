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

  /** WHATWG HTML event streams: a line starting with ':' is ignored, so each line of a comment gets one. */
  @Test
  void aCommentIsOneCommentLinePerLineOfItsText() {
    assertThat(new String(ServerSentEvent.comment("ping").encode(), StandardCharsets.UTF_8)).isEqualTo(": ping\n\n");
    assertThat(new String(ServerSentEvent.comment("a\r\nb\rc\nd").encode(), StandardCharsets.UTF_8))
        .isEqualTo(": a\n: b\n: c\n: d\n\n");
    assertThat(new String(ServerSentEvent.comment("").encode(), StandardCharsets.UTF_8)).isEqualTo(": \n\n");
    assertThat(new String(ServerSentEvent.of("x").withId("7").withComment("why\nnot").encode(), StandardCharsets.UTF_8))
        .as("before the fields, as sse-starlette writes it").isEqualTo(": why\n: not\nid: 7\ndata: x\n\n");
    ServerSentEvent comment = ServerSentEvent.comment("ping");
    assertThat(comment.data()).isNull();
    assertThat(comment.comment()).contains("ping");
  }

  /** A field on a comment alone would be dropped (event) or do what no one asked (id, retry): put the comment on an event. */
  @Test
  void aCommentAloneCarriesNoFields() {
    assertThatThrownBy(() -> ServerSentEvent.comment("c").withEvent("tick")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("withComment");
    assertThatThrownBy(() -> ServerSentEvent.comment("c").withId("1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerSentEvent.comment("c").withRetry(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ServerSentEvent(null, Optional.empty(), Optional.empty(), Optional.empty()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ServerSentEvent.comment(null)).isInstanceOf(NullPointerException.class);
  }
}

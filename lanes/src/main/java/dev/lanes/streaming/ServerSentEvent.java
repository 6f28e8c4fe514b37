package dev.lanes.streaming;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of a {@code text/event-stream}.
 *
 * <pre>{@code ServerSentEvent.of("42%").withId("7").withEvent("progress") }</pre>
 *
 * @param data the payload; each line becomes a {@code data:} line
 * @param id the event id (the client's {@code Last-Event-ID} on reconnect); one line, no NUL
 * @param event the event type; one line
 * @param retry the reconnection delay to advise; not negative
 * @throws IllegalArgumentException for a field the client would misread or drop: a line break in
 *     {@code id} or {@code event}, a NUL in {@code id}, a negative {@code retry}
 */
public record ServerSentEvent(String data, Optional<String> id, Optional<String> event, Optional<Duration> retry) {
  public ServerSentEvent {
    Objects.requireNonNull(data, "data");
    id.ifPresent(v -> {
      singleLine("id", v);
      // HTML's EventSource ignores an id field containing NUL: sent, it would be lost silently.
      if (v.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("SSE id must not contain NUL (EventSource ignores such an id)");
      }
    });
    event.ifPresent(v -> singleLine("event", v));
    retry.ifPresent(v -> {
      if (v.isNegative()) {
        throw new IllegalArgumentException("SSE retry must not be negative: " + v);
      }
    });
  }

  public static ServerSentEvent of(String data) {
    return new ServerSentEvent(data, Optional.empty(), Optional.empty(), Optional.empty());
  }

  public ServerSentEvent withId(String id) {
    return new ServerSentEvent(data, Optional.of(id), event, retry);
  }

  public ServerSentEvent withEvent(String event) {
    return new ServerSentEvent(data, id, Optional.of(event), retry);
  }

  public ServerSentEvent withRetry(Duration retry) {
    return new ServerSentEvent(data, id, event, Optional.of(retry));
  }

  /** The wire form, ending with the blank line that dispatches the event. */
  public byte[] encode() {
    StringBuilder sb = new StringBuilder(data.length() + 32);
    id.ifPresent(v -> sb.append("id: ").append(v).append('\n'));
    event.ifPresent(v -> sb.append("event: ").append(v).append('\n'));
    retry.ifPresent(v -> sb.append("retry: ").append(v.toMillis()).append('\n'));
    for (String line : data.split("\r\n|\r|\n", -1)) {
      sb.append("data: ").append(line).append('\n');
    }
    return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void singleLine(String field, String v) {
    if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("SSE " + field + " must be one line");
    }
  }
}

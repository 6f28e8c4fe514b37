package dev.lanes.streaming;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of a {@code text/event-stream}, or a comment alone ({@link #comment}).
 *
 * <pre>{@code ServerSentEvent.of("42%").withId("7").withEvent("progress") }</pre>
 *
 * @param data the payload; each line becomes a {@code data:} line. Null only for a comment alone
 * @param id the event id (the client's {@code Last-Event-ID} on reconnect); one line, no NUL
 * @param event the event type; one line
 * @param retry the reconnection delay to advise; not negative
 * @param comment text sent before the fields, each of its lines as a comment line ({@code : text}),
 *     which {@code EventSource} ignores
 */
public record ServerSentEvent(String data, Optional<String> id, Optional<String> event, Optional<Duration> retry,
    Optional<String> comment) {
  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException for a field the client would misread or drop: a line break in
   *     {@code id} or {@code event}, a NUL in {@code id}, a negative {@code retry}, an id, event or
   *     retry on a comment alone
   */
  public ServerSentEvent {
    Objects.requireNonNull(comment, "comment");
    if (data == null) {
      if (comment.isEmpty()) {
        throw new NullPointerException("data (null only for a comment alone: ServerSentEvent.comment)");
      }
      if (id.isPresent() || event.isPresent() || retry.isPresent()) {
        // an event type without data is dropped; an id or retry alone is not what a comment means
        throw new IllegalArgumentException("SSE comment alone carries no id, event or retry:"
            + " put the comment on an event (ServerSentEvent.of(data).withComment(text))");
      }
    }
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

  /** An event without a comment. */
  public ServerSentEvent(String data, Optional<String> id, Optional<String> event, Optional<Duration> retry) {
    this(Objects.requireNonNull(data, "data"), id, event, retry, Optional.empty());
  }

  public static ServerSentEvent of(String data) {
    return new ServerSentEvent(data, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * A comment alone (sse-starlette's {@code ServerSentEvent(comment=...)}): a client's
   * {@code EventSource} dispatches nothing for it; other readers of the stream see it. A line break
   * in {@code text} (CR, LF or CRLF) starts another comment line, so no text can become a field.
   *
   * <pre>{@code ServerSentEvent.comment("queue position 3") }</pre>
   */
  public static ServerSentEvent comment(String text) {
    return new ServerSentEvent(null, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(Objects.requireNonNull(text, "text")));
  }

  public ServerSentEvent withId(String id) {
    return new ServerSentEvent(data, Optional.of(id), event, retry, comment);
  }

  public ServerSentEvent withEvent(String event) {
    return new ServerSentEvent(data, id, Optional.of(event), retry, comment);
  }

  public ServerSentEvent withRetry(Duration retry) {
    return new ServerSentEvent(data, id, event, Optional.of(retry), comment);
  }

  /**
   * This event with {@code text} sent as comment lines before its fields, as {@link #comment} sends it.
   *
   * <pre>{@code ServerSentEvent.of(json).withComment("retrying after a timeout") }</pre>
   */
  public ServerSentEvent withComment(String text) {
    return new ServerSentEvent(data, id, event, retry, Optional.of(Objects.requireNonNull(text, "text")));
  }

  /** The wire form, ending with the blank line that dispatches the event (a comment alone dispatches nothing). */
  public byte[] encode() {
    StringBuilder sb = new StringBuilder((data == null ? 0 : data.length()) + 32);
    // WHATWG HTML: a line starting with ':' is ignored; CRLF, CR and LF all end a line
    comment.ifPresent(v -> {
      for (String line : v.split("\r\n|\r|\n", -1)) {
        sb.append(": ").append(line).append('\n');
      }
    });
    id.ifPresent(v -> sb.append("id: ").append(v).append('\n'));
    event.ifPresent(v -> sb.append("event: ").append(v).append('\n'));
    retry.ifPresent(v -> sb.append("retry: ").append(v.toMillis()).append('\n'));
    if (data != null) {
      for (String line : data.split("\r\n|\r|\n", -1)) {
        sb.append("data: ").append(line).append('\n');
      }
    }
    return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void singleLine(String field, String v) {
    if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("SSE " + field + " must be one line");
    }
  }
}

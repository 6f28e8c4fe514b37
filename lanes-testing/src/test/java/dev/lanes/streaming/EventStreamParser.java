package dev.lanes.streaming;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code text/event-stream} read as a browser's {@code EventSource} reads it (WHATWG HTML,
 * "Interpreting an event stream"): what it dispatches, and the comment lines it ignored.
 */
final class EventStreamParser {
  /** One dispatched {@code MessageEvent}: its type, data and {@code lastEventId}. */
  record Dispatched(String type, String data, String lastEventId) {}

  final List<Dispatched> dispatched = new ArrayList<>();
  final List<String> ignoredComments = new ArrayList<>();
  private final StringBuilder data = new StringBuilder();
  private String eventType = "";
  private String lastEventIdBuffer = "";
  private String lastEventId = "";

  static EventStreamParser parse(byte[] stream) {
    String text = new String(stream, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    EventStreamParser p = new EventStreamParser();
    // lines end with CRLF, CR or LF; an unterminated last line is discarded, as the stream ended mid-line
    String[] lines = text.split("\r\n|\r|\n", -1);
    for (int i = 0; i < lines.length - 1; i++) {
      p.line(lines[i]);
    }
    return p;
  }

  private void line(String line) {
    if (line.isEmpty()) {
      dispatch();
    } else if (line.startsWith(":")) {
      ignoredComments.add(line);
    } else {
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> eventType = value;
        case "data" -> data.append(value).append('\n');
        case "id" -> {
          if (value.indexOf('\0') < 0) {
            lastEventIdBuffer = value;
          }
        }
        default -> { } // retry and unknown fields dispatch nothing
      }
    }
  }

  private void dispatch() {
    lastEventId = lastEventIdBuffer;
    if (data.isEmpty()) {
      eventType = "";
      return;
    }
    data.setLength(data.length() - 1);
    dispatched.add(new Dispatched(eventType.isEmpty() ? "message" : eventType, data.toString(), lastEventId));
    data.setLength(0);
    eventType = "";
  }
}

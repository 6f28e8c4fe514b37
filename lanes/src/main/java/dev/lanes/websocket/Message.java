package dev.lanes.websocket;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One complete WebSocket message (fragments already joined), text or binary. Control frames
 * (ping, pong, close) never arrive as messages: the server answers them itself.
 *
 * <pre>{@code
 * switch (ws.receive()) {
 *   case Message.Text t -> ws.sendText(t.text());
 *   case Message.Binary b -> ws.sendBinary(b.data());
 * }
 * }</pre>
 */
public sealed interface Message permits Message.Text, Message.Binary {

  /** A text message. */
  static Message text(String text) {
    return new Text(text);
  }

  /** A binary message; the array is not copied. */
  static Message binary(byte[] data) {
    return new Binary(data);
  }

  /** The message's size in bytes on the wire (UTF-8 for text). */
  int size();

  /** @param text the message, decoded from UTF-8 (invalid UTF-8 closes the connection with 1007) */
  record Text(String text) implements Message {
    public Text {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public int size() {
      return text.getBytes(StandardCharsets.UTF_8).length;
    }
  }

  /** @param data the message's bytes; shared, not copied */
  record Binary(byte[] data) implements Message {
    public Binary {
      Objects.requireNonNull(data, "data");
    }

    @Override
    public int size() {
      return data.length;
    }
  }
}

package dev.lanes.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The JSON codec (Jackson) shared by requests and responses. Unknown properties are rejected so
 * that a typo in a client's body is a 400, not silently ignored data.
 */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** The mapper, for registering modules at startup. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Serialises {@code value}; a value Jackson cannot write is a programming error (500). */
  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getName() + " as JSON", e);
    }
  }

  /** Parses a request body; malformed or mistyped JSON is the client's fault (400). */
  public static <T> T read(byte[] body, Class<T> type) {
    if (body.length == 0) {
      throw new HttpException(400, "expected a JSON body, got an empty one");
    }
    try {
      return MAPPER.readValue(body, type);
    } catch (IOException e) {
      throw new HttpException(400, "invalid JSON body: " + clientMessage(e));
    }
  }

  /** Parses a request body into a tree. */
  public static JsonNode readTree(byte[] body) {
    return read(body, JsonNode.class);
  }

  private static String clientMessage(IOException e) {
    // Jackson's original message names the problem and location without server internals.
    String m = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    if (m == null) {
      return "unreadable";
    }
    m = m.replaceAll("\\(class [^)]*\\)", "").replaceAll("`[a-zA-Z0-9_.$]+\\.([A-Za-z0-9_$]+)`", "`$1`");
    return m.length() > 200 ? m.substring(0, 200) + "..." : m;
  }
}

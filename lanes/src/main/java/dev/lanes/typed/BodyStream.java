package dev.lanes.typed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.io.IOException;

/**
 * A JSON body read straight from its bytes into its {@link Shape}, token by token: the fast path
 * of a body that fits, with no tree, no {@link Loc}s and nothing reported. Whatever does not
 * simply fit (malformed JSON, trailing data, a value the shape refuses or would coerce, a
 * member sent twice) gives {@link Shape#REREAD}, and the body is read as a tree, which finds
 * and reports every error as it always has: both paths accept the same bodies with the same values.
 */
final class BodyStream {
  private BodyStream() {}

  /** The value of {@code bytes} read as {@code shape} by {@code json}'s parser, or {@link Shape#REREAD}. */
  static Object read(ObjectMapper json, Shape shape, byte[] bytes) {
    try (JsonParser p = json.createParser(bytes)) {
      if (p.nextToken() == null) {
        return Shape.REREAD;
      }
      Object value = shape.read(p);
      if (value == Shape.REREAD || p.nextToken() != null) { // the tree refuses trailing tokens too
        return Shape.REREAD;
      }
      return value;
    } catch (IOException e) { // malformed, or past the parser's limits: the tree reports it
      return Shape.REREAD;
    }
  }

  /**
   * Passes over the value at the current token (an unknown member's), decoding its strings and
   * numbers as the tree would, so a body the tree refuses is refused here too.
   */
  static void skip(JsonParser p) throws IOException {
    int depth = 0;
    for (JsonToken t = p.currentToken(); ; t = p.nextToken()) {
      if (t == null) {
        throw new EOFException("end of input inside a value");
      }
      switch (t) {
        case START_OBJECT, START_ARRAY -> depth++;
        case END_OBJECT, END_ARRAY -> depth--;
        case VALUE_STRING -> p.finishToken();
        case VALUE_NUMBER_INT -> {
          if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            p.getBigIntegerValue();
          }
        }
        case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
        default -> { }
      }
      if (depth == 0) {
        return;
      }
    }
  }
}

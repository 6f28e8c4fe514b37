package dev.lanes.typed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;

/**
 * Any JSON value, unchecked (pydantic's {@code Any}): declared {@code Object}, it is Jackson's
 * natural Java value ({@code Map}, {@code List}, {@code String}, a {@code Number}, {@code Boolean}
 * or {@code null}); declared {@code JsonNode}, the tree itself. Documented as {@code {}}.
 */
record AnyShape(boolean tree) implements Shape {
  // Its own reader: the body's mapper refuses trailing tokens, and this reads one value inside a body.
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Object fromJson(JsonNode n, Loc loc, Violations v) {
    if (tree) {
      return n;
    }
    try {
      return JSON.treeToValue(n, Object.class);
    } catch (JsonProcessingException e) { // a tree always converts to Object
      throw new IllegalStateException(e);
    }
  }

  /** Reads the value as a tree, then as {@link #fromJson} does; a null goes to the tree path (null marks "not sent" there). */
  @Override
  public Object read(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return REREAD;
    }
    JsonNode n = JSON.readTree(p);
    return n == null ? REREAD : fromJson(n, null, null);
  }

  /** From a query, header, cookie or form field: its text, as pydantic's {@code Any} keeps a {@code str}. */
  @Override
  public Object fromText(String text, Loc loc, Violations v) {
    return tree ? TextNode.valueOf(text) : text;
  }

  @Override
  public Class<?> type() {
    return tree ? JsonNode.class : Object.class;
  }

  @Override
  public ObjectNode schema(Schemas schemas) {
    return JsonNodeFactory.instance.objectNode();
  }
}

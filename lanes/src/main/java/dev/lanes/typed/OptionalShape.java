package dev.lanes.typed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;

/** A value that may be JSON {@code null} or left out: {@code Optional<T>}, documented as {@code anyOf [T, null]}. */
record OptionalShape(Shape inner) implements Shape {
  @Override
  public Object fromJson(JsonNode n, Loc loc, Violations v) {
    if (n.isNull()) {
      return Optional.empty();
    }
    Object value = inner.fromJson(n, loc, v);
    return value == INVALID ? INVALID : Optional.of(value);
  }

  @Override
  public Object read(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return Optional.empty();
    }
    Object value = inner.read(p);
    return value == REREAD ? REREAD : Optional.of(value);
  }

  @Override
  public Object fromText(String text, Loc loc, Violations v) {
    Object value = inner.fromText(text, loc, v);
    return value == INVALID ? INVALID : Optional.of(value);
  }

  @Override
  public boolean takesEveryValue() {
    return inner.takesEveryValue();
  }

  @Override
  public Class<?> type() {
    return Optional.class;
  }

  @Override
  public ObjectNode schema(Schemas schemas) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    var any = s.putArray("anyOf");
    any.add(inner.schema(schemas));
    any.addObject().put("type", "null");
    return s;
  }
}

package dev.lanes.typed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * A shape with Jakarta Validation constraints checked after the value is read, reported as
 * pydantic reports them (the first failing constraint of a value, like pydantic).
 */
record Constrained(Shape inner, List<Constraint> constraints) implements Shape {
  @Override
  public Object fromJson(JsonNode n, Loc loc, Violations v) {
    Object value = inner.fromJson(n, loc, v);
    return value == INVALID ? INVALID : check(value, loc, n, v);
  }

  @Override
  public Object read(JsonParser p) throws IOException {
    Object value = inner.read(p);
    if (value == REREAD) {
      return REREAD;
    }
    for (Constraint c : constraints) {
      if (!c.holds(value)) {
        return REREAD;
      }
    }
    return value;
  }

  @Override
  public Object fromText(String text, Loc loc, Violations v) {
    Object value = inner.fromText(text, loc, v);
    return value == INVALID ? INVALID : check(value, loc, Violations.text(text), v);
  }

  private Object check(Object value, Loc loc, JsonNode input, Violations v) {
    for (Constraint c : constraints) {
      if (!c.test(value, loc, input, v)) {
        return INVALID;
      }
    }
    return value;
  }

  @Override
  public boolean takesEveryValue() {
    return inner.takesEveryValue();
  }

  @Override
  public Class<?> type() {
    return inner.type();
  }

  @Override
  public ObjectNode schema(Schemas schemas) {
    ObjectNode s = inner.schema(schemas).deepCopy();
    for (Constraint c : constraints) {
      c.document(s);
    }
    return s;
  }
}

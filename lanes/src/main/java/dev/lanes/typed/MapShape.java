package dev.lanes.typed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON object read into an unmodifiable {@code Map<K, V>} in the order sent (pydantic's
 * {@code dict[K, V]}): each key read as text into the key's scalar (a bad one reported at
 * {@code [..., key, "[key]"]}, as pydantic does), each value as {@code value} at {@code [..., key]}.
 */
record MapShape(Scalar key, Shape value) implements Shape {
  @Override
  public Object fromJson(JsonNode n, Loc loc, Violations v) {
    if (!n.isObject()) {
      v.add("dict_type", loc, "Input should be a valid dictionary", n);
      return INVALID;
    }
    Map<Object, Object> out = new LinkedHashMap<>();
    boolean ok = true;
    for (var it = n.properties().iterator(); it.hasNext(); ) {
      var e = it.next();
      Loc at = loc.child(e.getKey());
      Object k = key.fromText(e.getKey(), at.child("[key]"), v);
      Object val = value.fromJson(e.getValue(), at, v);
      ok &= k != INVALID && val != INVALID;
      if (ok) {
        out.put(k, val);
      }
    }
    return ok ? Collections.unmodifiableMap(out) : INVALID;
  }

  @Override
  public Object read(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      return REREAD;
    }
    Map<Object, Object> out = new LinkedHashMap<>();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      Object k = key.kind() == Scalar.Kind.STRING ? name : key.fromText(name, Loc.root("key"), new Violations());
      if (k == INVALID || p.nextToken() == null) {
        return REREAD;
      }
      Object val = value.read(p);
      if (val == REREAD || out.put(k, val) != null) { // a key sent twice (or two that read the same): the tree decides
        return REREAD;
      }
    }
    return p.currentToken() == JsonToken.END_OBJECT ? Collections.unmodifiableMap(out) : REREAD;
  }

  @Override
  public Object fromText(String text, Loc loc, Violations v) {
    v.add("dict_type", loc, "Input should be a valid dictionary", Violations.text(text));
    return INVALID;
  }

  @Override
  public Class<?> type() {
    return Map.class;
  }

  @Override
  public ObjectNode schema(Schemas schemas) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    if (value instanceof AnyShape) { // pydantic's dict[str, Any]
      s.put("additionalProperties", true);
    } else {
      s.set("additionalProperties", value.schema(schemas));
    }
    if (key.kind() == Scalar.Kind.ENUM) { // pydantic names an enum's keys
      s.set("propertyNames", key.schema(schemas));
    } else if (key.schema(schemas).has("format")) { // and a UUID's, date's or time's format, without the type
      s.set("propertyNames", JsonNodeFactory.instance.objectNode().set("format", key.schema(schemas).get("format")));
    }
    s.put("type", "object");
    return s;
  }
}

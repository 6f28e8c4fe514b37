package dev.lanes.typed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A JSON array (or repeated query values) of one element shape, read into an unmodifiable list. */
record ListShape(Shape element) implements Shape {
  @Override
  public Object fromJson(JsonNode n, Loc loc, Violations v) {
    if (!n.isArray()) {
      v.add("list_type", loc, "Input should be a valid list", n);
      return INVALID;
    }
    List<Object> out = new ArrayList<>(n.size());
    boolean ok = true;
    for (int i = 0; i < n.size(); i++) {
      Object e = element.fromJson(n.get(i), loc.child(i), v);
      ok &= e != INVALID;
      out.add(e);
    }
    return ok ? Collections.unmodifiableList(out) : INVALID;
  }

  @Override
  public Object read(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      return REREAD;
    }
    List<Object> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      Object e = t == null ? REREAD : element.read(p);
      if (e == REREAD) {
        return REREAD;
      }
      out.add(e);
    }
    return Collections.unmodifiableList(out);
  }

  /** Repeated values of one query parameter or header: {@code ?tag=a&tag=b}. */
  Object fromTexts(List<String> texts, Loc loc, Violations v) {
    List<Object> out = new ArrayList<>(texts.size());
    boolean ok = true;
    for (int i = 0; i < texts.size(); i++) {
      Object e = element.fromText(texts.get(i), loc.child(i), v);
      ok &= e != INVALID;
      out.add(e);
    }
    return ok ? Collections.unmodifiableList(out) : INVALID;
  }

  @Override
  public Object fromText(String text, Loc loc, Violations v) {
    return fromTexts(List.of(text), loc, v);
  }

  @Override
  public Class<?> type() {
    return List.class;
  }

  @Override
  public ObjectNode schema(Schemas schemas) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("type", "array");
    s.set("items", element.schema(schemas));
    return s;
  }
}

package dev.lanes.typed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One problem with a request's input, as pydantic 2 reports it inside FastAPI's 422 body:
 * {@code {"type":"string_too_short","loc":["body","name"],"msg":"String should have at least 1
 * character","input":"","ctx":{"min_length":1}}}.
 *
 * <pre>{@code e.errors().stream().map(ValidationError::type).toList()}</pre>
 *
 * @param type pydantic's error type ({@code missing}, {@code int_parsing}, {@code enum}, ...)
 * @param loc where: {@code path}, {@code query}, {@code header}, {@code cookie} or {@code body},
 *     then field names (strings) and list indices (integers)
 * @param msg pydantic's message
 * @param input the offending value ({@code null} JSON for a missing parameter)
 * @param ctx the constraint's parameters ({@code min_length}, {@code gt}, {@code expected}); empty if none
 */
public record ValidationError(String type, List<Object> loc, String msg, JsonNode input, Map<String, Object> ctx) {
  public ValidationError {
    Objects.requireNonNull(type, "type");
    loc = List.copyOf(loc);
    Objects.requireNonNull(msg, "msg");
    Objects.requireNonNull(input, "input");
    ctx = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(ctx));
  }

  /** This error as FastAPI writes it: {@code ctx} only when it has entries. */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("type", type);
    var l = o.putArray("loc");
    for (Object part : loc) {
      if (part instanceof Integer i) {
        l.add(i);
      } else {
        l.add(part.toString());
      }
    }
    o.put("msg", msg);
    o.set("input", input);
    if (!ctx.isEmpty()) {
      ObjectNode c = o.putObject("ctx");
      ctx.forEach((k, v) -> {
        switch (v) {
          case Integer i -> c.put(k, i);
          case Long n -> c.put(k, n);
          case Double d -> c.put(k, d);
          case java.math.BigDecimal d -> c.put(k, d);
          case JsonNode j -> c.set(k, j);
          default -> c.put(k, v.toString());
        }
      });
    }
    return o;
  }
}

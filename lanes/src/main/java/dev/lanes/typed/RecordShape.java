package dev.lanes.typed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A record read from a JSON object, component by component (unknown properties ignored, as
 * pydantic does); built through its canonical constructor once every component fits, then
 * checked by the constraints on its class, if any. Its
 * components are filled in after construction so a record may contain itself.
 */
final class RecordShape implements Shape {
  /** One component: its JSON name, shape, and the value used when it is left out (or {@link #REQUIRED}). */
  record Field(String name, Shape shape, Object fallback, JsonNode documentedDefault) {
    static final Object REQUIRED = new Object();

    boolean required() {
      return fallback == REQUIRED;
    }
  }

  private final Class<?> type;
  private List<Field> fields;
  private Map<String, Integer> index; // JSON name -> component position, for the streaming read
  private MethodHandle constructor; // (Object[])Object
  private ValueDoc doc = ValueDoc.NONE; // the record's, for the document
  private List<ValueDoc> docs = List.of(); // each component's, by position
  private List<Constraint> checks = List.of(); // class-level custom constraints, run on the built record

  RecordShape(Class<?> type) {
    this.type = type;
  }

  /**
   * {@code checks}: the record class's own constraints (pydantic's model validators), run once
   * it is built; their errors sit at the record's loc.
   */
  void complete(List<Field> fields, MethodHandle constructor, List<Constraint> checks) {
    this.checks = List.copyOf(checks);
    this.fields = List.copyOf(fields);
    Map<String, Integer> positions = new HashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      positions.put(fields.get(i).name, i);
    }
    this.index = Map.copyOf(positions);
    this.constructor = constructor;
  }

  /** What the document says of the record and of each component (by position). */
  void describe(ValueDoc record, List<ValueDoc> components) {
    this.doc = record;
    this.docs = List.copyOf(components);
  }

  List<Field> fields() {
    return fields;
  }

  @Override
  public Class<?> type() {
    return type;
  }

  @Override
  public Object fromJson(JsonNode n, Loc loc, Violations v) {
    if (!n.isObject()) {
      v.add("model_attributes_type", loc, "Input should be a valid dictionary or object to extract fields from", n);
      return INVALID;
    }
    Object[] args = new Object[fields.size()];
    boolean ok = true;
    for (int i = 0; i < args.length; i++) {
      Field f = fields.get(i);
      JsonNode value = n.get(f.name);
      if (value == null) {
        if (f.required()) {
          v.missing(loc.child(f.name), n);
          ok = false;
        } else {
          args[i] = f.fallback;
        }
      } else {
        args[i] = f.shape.fromJson(value, loc.child(f.name), v);
        ok &= args[i] != INVALID;
      }
    }
    if (!ok) {
      return INVALID;
    }
    Object built;
    try {
      built = (Object) constructor.invokeExact(args);
    } catch (IllegalArgumentException e) {
      // A compact constructor refusing its values is pydantic's model validator raising ValueError:
      // the client's mistake, a 422 at the record, not the server's 500.
      v.add("value_error", loc, "Value error, " + (e.getMessage() == null ? "" : e.getMessage()), n,
          Map.of("error", JsonNodeFactory.instance.objectNode()));
      return INVALID;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("constructing " + type.getName() + " failed", t);
    }
    for (Constraint c : checks) { // the first refusal, as a value's constraints report
      if (!c.test(built, loc, n, v)) {
        return INVALID;
      }
    }
    return built;
  }

  /**
   * Members in any order, unknown ones read and dropped; a component sent twice (the tree keeps
   * the last), a missing required one, or a constructor that throws goes to the tree, which
   * reports (or throws) exactly as it always has.
   */
  @Override
  public Object read(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      return REREAD;
    }
    Object[] args = new Object[fields.size()]; // no value read is ever null: null marks "not sent"
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      Integer i = index.get(name);
      p.nextToken();
      if (i == null) {
        BodyStream.skip(p);
        continue;
      }
      if (args[i] != null) {
        return REREAD;
      }
      Object value = fields.get(i).shape.read(p);
      if (value == REREAD) {
        return REREAD;
      }
      args[i] = value;
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      return REREAD;
    }
    for (int i = 0; i < args.length; i++) {
      if (args[i] == null) {
        Field f = fields.get(i);
        if (f.required()) {
          return REREAD;
        }
        args[i] = f.fallback;
      }
    }
    Object built;
    try {
      built = (Object) constructor.invokeExact(args);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      return REREAD; // the tree path calls it again, where it has always thrown
    }
    for (Constraint c : checks) {
      if (!c.holds(built)) {
        return REREAD; // the tree path reports it
      }
    }
    return built;
  }

  @Override
  public Object fromText(String text, Loc loc, Violations v) {
    v.add("model_attributes_type", loc, "Input should be a valid dictionary or object to extract fields from",
        Violations.text(text));
    return INVALID;
  }

  @Override
  public ObjectNode schema(Schemas schemas) {
    return schemas.recordRef(this);
  }

  /** The record's own schema, as listed under {@code components/schemas}. */
  ObjectNode definition(Schemas schemas) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    ObjectNode props = s.putObject("properties");
    var required = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      ObjectNode p = f.shape.schema(schemas).deepCopy();
      if (Schemas.titled(f.shape)) {
        p.put("title", Schemas.title(f.name));
      }
      if (f.documentedDefault != null) {
        p.set("default", f.documentedDefault);
      }
      if (i < docs.size()) {
        docs.get(i).onto(p); // beside a $ref too, as pydantic writes it (OpenAPI 3.1 allows it)
      }
      props.set(f.name, p);
      if (f.required() || schemas.output()) { // a record written out always has every component
        required.add(f.name);
      }
    }
    s.put("type", "object");
    if (!required.isEmpty()) {
      s.set("required", required);
    }
    s.put("title", type.getSimpleName());
    return doc.onto(s);
  }
}

package dev.lanes.typed;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The named schemas of an OpenAPI document ({@code components/schemas}): each record and enum
 * once, under its simple name, referenced by {@code $ref} wherever it is used.
 */
final class Schemas {
  private final Map<String, ObjectNode> named = new TreeMap<>();
  private final Map<String, Class<?>> owners = new TreeMap<>();

  ObjectNode enumRef(Class<?> type, Collection<String> values) {
    String name = claim(type);
    if (!named.containsKey(name)) {
      ObjectNode s = JsonNodeFactory.instance.objectNode();
      s.put("type", "string");
      var e = s.putArray("enum");
      values.forEach(e::add);
      s.put("title", name);
      named.put(name, s);
    }
    return ref(name);
  }

  ObjectNode recordRef(RecordShape record) {
    String name = claim(record.type());
    if (!named.containsKey(name)) {
      named.put(name, JsonNodeFactory.instance.objectNode()); // placeholder: a record may contain itself
      named.put(name, record.definition(this));
    }
    return ref(name);
  }

  /** Adds a fixed schema (the validation error bodies). */
  void put(String name, ObjectNode schema) {
    named.put(name, schema);
  }

  ObjectNode all() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    named.forEach(out::set);
    return out;
  }

  private String claim(Class<?> type) {
    String name = type.getSimpleName();
    Class<?> owner = owners.putIfAbsent(name, type);
    if (owner != null && owner != type) {
      throw new IllegalArgumentException("two types are both named " + name + " in the document: "
          + owner.getName() + " and " + type.getName() + "; rename one");
    }
    return name;
  }

  static ObjectNode ref(String name) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("$ref", "#/components/schemas/" + name);
    return s;
  }

  /** pydantic's title of a name: {@code item_id} → {@code Item Id}, {@code x-api-key} → {@code X-Api-Key}. */
  static String title(String name) {
    StringBuilder b = new StringBuilder();
    boolean start = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '_') {
        b.append(' ');
        start = true;
      } else if (!Character.isLetterOrDigit(c)) {
        b.append(c);
        start = true;
      } else if (Character.isUpperCase(c) && !start) {
        b.append(' ').append(c); // a Java camelCase name: itemId → Item Id
      } else {
        b.append(start ? Character.toUpperCase(c) : c);
        start = false;
      }
    }
    return b.toString();
  }

}

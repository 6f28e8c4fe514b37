package dev.lanes.typed;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The named schemas of an OpenAPI document ({@code components/schemas}): each record and enum
 * once, under its simple name, referenced by {@code $ref} wherever it is used.
 */
final class Schemas {
  private final Map<String, ObjectNode> named = new TreeMap<>();
  private final Map<String, Class<?>> owners = new TreeMap<>();
  private final Set<String> fixed = new HashSet<>(); // names of schemas added by put, owned by no type
  private boolean output;

  /** Whether schemas now describe what routes write (every record component required) rather than read. */
  boolean output() {
    return output;
  }

  void output(boolean on) {
    this.output = on;
  }

  ObjectNode enumRef(Class<?> type, Collection<String> values) {
    String name = claim(type);
    if (!named.containsKey(name)) {
      ObjectNode s = JsonNodeFactory.instance.objectNode();
      s.put("type", "string");
      var e = s.putArray("enum");
      values.forEach(e::add);
      s.put("title", name);
      named.put(name, ValueDoc.of(type.getAnnotation(Doc.class), type.getName()).onto(s)); // pydantic: the docstring
    }
    return ref(name);
  }

  ObjectNode recordRef(RecordShape record) {
    String name = claim(record.type()) + (output ? OUT : "");
    if (!named.containsKey(name)) {
      named.put(name, JsonNodeFactory.instance.objectNode()); // placeholder: a record may contain itself
      named.put(name, record.definition(this));
    }
    return ref(name);
  }

  /** Adds a fixed schema (the validation error bodies, a route's {@code Body_<operationId>}). */
  void put(String name, ObjectNode schema) {
    Class<?> owner = owners.get(name);
    if (owner != null) {
      throw clash(name, owner);
    }
    fixed.add(name);
    named.put(name, schema);
  }

  private static IllegalArgumentException clash(String name, Class<?> type) {
    return new IllegalArgumentException(type.getName() + " is named " + name + " in the document, as the"
        + " schema the typed layer writes under that name; rename it");
  }

  /**
   * Every named schema, and {@code doc}'s references fixed: a record read and written under
   * different schemas becomes {@code Name-Input} and {@code Name-Output}, as in FastAPI.
   */
  ObjectNode all(ObjectNode doc) {
    Set<String> split = splitRecords();
    Map<String, String> renames = new TreeMap<>();
    for (String key : named.keySet()) {
      if (key.endsWith(OUT)) {
        String base = key.substring(0, key.length() - OUT.length());
        boolean both = split.contains(base);
        renames.put(key, both ? base + "-Output" : base);
        if (both) {
          renames.put(base, base + "-Input");
        }
      }
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    named.forEach((k, v) -> out.set(renames.getOrDefault(k, k), v));
    if (!renames.isEmpty()) {
      rename(doc, renames);
      rename(out, renames);
    }
    return out;
  }

  /**
   * Python's {@code str.title()} with {@code _} as spaces, as FastAPI titles a name it does not
   * derive from Java ({@code Response_colorByName} → {@code Response Colorbyname}): no camelCase
   * words, a letter after anything but a letter starts one.
   */
  static String titleAsPython(String name) {
    StringBuilder b = new StringBuilder(name.length());
    boolean afterLetter = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean letter = Character.isLetter(c);
      b.append(c == '_' ? ' ' : !letter ? c : afterLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
      afterLetter = letter;
    }
    return b.toString();
  }

  private static final String OUT = "~out";
  private static final String PREFIX = "#/components/schemas/";

  /**
   * The records whose written schema differs from their read one. A written schema refers to the
   * written schemas of the records it holds ({@code Tag~out}), which are the read ones once those
   * are found alike: so, as pydantic does, every record read and written starts split and is merged
   * when its schemas are alike given the merges so far, until nothing changes (a record holding
   * itself stays split, as in FastAPI: its two schemas refer to two names).
   */
  private Set<String> splitRecords() {
    Set<String> split = new HashSet<>();
    for (String key : named.keySet()) {
      if (key.endsWith(OUT) && named.containsKey(base(key))) {
        split.add(base(key));
      }
    }
    boolean merged = true;
    while (merged) {
      merged = false;
      Map<String, String> same = new TreeMap<>(); // Tag~out → Tag once Tag is merged (or only written)
      for (String key : named.keySet()) {
        if (key.endsWith(OUT) && !split.contains(base(key))) {
          same.put(key, base(key));
        }
      }
      for (String base : List.copyOf(split)) {
        ObjectNode written = named.get(base + OUT).deepCopy();
        rename(written, same);
        if (written.equals(named.get(base))) {
          split.remove(base);
          merged = true;
        }
      }
    }
    return split;
  }

  private static String base(String outKey) {
    return outKey.substring(0, outKey.length() - OUT.length());
  }

  private static void rename(com.fasterxml.jackson.databind.JsonNode node, Map<String, String> renames) {
    if (node instanceof ObjectNode o) {
      var ref = o.get("$ref");
      if (ref != null && ref.isTextual() && ref.asText().startsWith(PREFIX)) {
        String to = renames.get(ref.asText().substring(PREFIX.length()));
        if (to != null) {
          o.put("$ref", PREFIX + to);
        }
      }
      o.forEach(child -> rename(child, renames));
    } else if (node != null && node.isArray()) {
      node.forEach(child -> rename(child, renames));
    }
  }

  private String claim(Class<?> type) {
    String name = type.getSimpleName();
    if (fixed.contains(name)) {
      throw clash(name, type);
    }
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

  /**
   * Whether pydantic titles a model field of this shape: not when it is a reference to a model or
   * an enum, nor such a reference that may be null ({@code anyOf [$ref, null]}).
   */
  static boolean titled(Shape shape) {
    Shape s = shape instanceof OptionalShape o ? o.inner() : shape;
    s = s instanceof Constrained c ? c.inner() : s; // a custom validator changes no schema, its title neither
    return !(s instanceof RecordShape || s instanceof Scalar scalar && scalar.kind() == Scalar.Kind.ENUM);
  }

  /**
   * pydantic's title of a name: {@code item_id} → {@code Item Id}, {@code x-api-key} → {@code X-Api-Key},
   * {@code item2id} → {@code Item2Id}; a Java camelCase name as its snake_case form ({@code itemId} → {@code Item Id}).
   */
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
      } else if (Character.isLowerCase(c) && i > 0 && Character.isDigit(name.charAt(i - 1))) {
        b.append(Character.toUpperCase(c)); // str.title(): a digit is no letter, so one after it starts a word
        start = false;
      } else if (Character.isUpperCase(c) && !start) {
        boolean inAcronym = Character.isUpperCase(name.charAt(i - 1))
            && !(i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1)));
        if (inAcronym) { // userID → User Id, as pydantic titles user_id
          b.append(Character.toLowerCase(c));
        } else {
          b.append(' ').append(c); // a Java camelCase name: itemId → Item Id
        }
      } else {
        b.append(start ? Character.toUpperCase(c) : c);
        start = false;
      }
    }
    return b.toString();
  }

}

package dev.lanes.typed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link Doc} says of one value, its examples read once at build, and where the document
 * writes it: into the value's schema as pydantic writes a {@code Field}'s (title replaced,
 * description, deprecated, examples), and a parameter's description and deprecation also into
 * its parameter object, as FastAPI repeats them there. Null title or description: none given.
 */
record ValueDoc(String title, String description, boolean deprecated, List<JsonNode> examples) {
  static final ValueDoc NONE = new ValueDoc(null, null, false, List.of());

  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** {@code doc} read, or {@link #NONE} for null; {@code where} names the value in a failure. */
  static ValueDoc of(Doc doc, String where) {
    if (doc == null) {
      return NONE;
    }
    List<JsonNode> examples = new ArrayList<>(doc.examples().length);
    for (String text : doc.examples()) {
      examples.add(example(text, where));
    }
    return new ValueDoc(doc.title().isEmpty() ? null : doc.title(),
        doc.description().isEmpty() ? null : doc.description(), doc.deprecated(), List.copyOf(examples));
  }

  private static JsonNode example(String text, String where) {
    String reason;
    try {
      JsonNode node = JSON.readTree(text);
      if (node != null && !node.isMissingNode()) {
        return node;
      }
      reason = "it is empty";
    } catch (JsonProcessingException e) {
      reason = e.getOriginalMessage();
    }
    String start = text.strip().isEmpty() ? "" : text.strip().substring(0, 1);
    String hint = "{[\"".contains(start) ? "" : "; a string example keeps its quotes: " + quoted(quoted(text));
    throw new IllegalArgumentException(where + ": @Doc example " + quoted(text) + " is not JSON (" + reason + ")" + hint);
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * This doc with {@code other} (Jackson's {@code @JsonPropertyDescription}) as its description;
   * {@code where} names the value when both give one.
   */
  ValueDoc describedBy(String other, String where) {
    if (other == null) {
      return this;
    }
    if (description != null) {
      throw new IllegalArgumentException(where + ": described twice, by @Doc(description) and by Jackson's"
          + " description annotation; keep one");
    }
    return new ValueDoc(title, other, deprecated, examples);
  }

  /** {@code schema} (a copy the caller owns) with this doc written into it; returned for chaining. */
  ObjectNode onto(ObjectNode schema) {
    if (title != null) {
      schema.put("title", title);
    }
    if (description != null) {
      schema.put("description", description);
    }
    if (deprecated) {
      schema.put("deprecated", true);
    }
    if (!examples.isEmpty()) {
      ArrayNode list = schema.putArray("examples");
      examples.forEach(list::add);
    }
    return schema;
  }

  /** A parameter object's own {@code description} and {@code deprecated}, beside its schema's. */
  void onParameter(ObjectNode parameter) {
    if (description != null) {
      parameter.put("description", description);
    }
    if (deprecated) {
      parameter.put("deprecated", true);
    }
  }
}

package dev.lanes.typed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The validation errors of one request, collected so all of them are reported together. */
final class Violations {
  private List<ValidationError> errors; // allocated on the first error: valid requests pay nothing
  private final boolean checksNow;

  Violations() {
    this(true);
  }

  private Violations(boolean checksNow) {
    this.checksNow = checksNow;
  }

  /**
   * A declared default's, read when the API is built: its {@code @Past}/{@code @Future} bounds,
   * at any depth, are not checked against the clock then (a {@code @Future} default would fail the
   * build once its date passed, an app that stops starting on a date; FastAPI checks no default).
   */
  static Violations ofDefault() {
    return new Violations(false);
  }

  /** Whether values are checked against now ({@link TemporalBound}): false for a declared default. */
  boolean checksNow() {
    return checksNow;
  }

  void add(String type, Loc loc, String msg, JsonNode input, Map<String, Object> ctx) {
    if (errors == null) {
      errors = new ArrayList<>(2);
    }
    errors.add(new ValidationError(type, loc.toList(), msg, input, ctx));
  }

  void add(String type, Loc loc, String msg, JsonNode input) {
    add(type, loc, msg, input, Map.of());
  }

  void missing(Loc loc, JsonNode input) {
    add("missing", loc, "Field required", input);
  }

  boolean any() {
    return errors != null;
  }

  List<ValidationError> list() {
    return errors == null ? List.of() : errors;
  }

  static JsonNode text(String s) {
    return s == null ? NullNode.instance : TextNode.valueOf(s);
  }
}

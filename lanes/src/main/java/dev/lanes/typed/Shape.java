package dev.lanes.typed;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The shape a declared value must have and how to read it, compiled once per parameter or
 * record component from its Java type and annotations. Reading never throws for bad input: it
 * reports to {@link Violations} and returns {@link #INVALID}, so every error of a request is
 * found in one pass.
 */
sealed interface Shape permits Scalar, ListShape, OptionalShape, RecordShape, Constrained {
  /** What a read returns when the input did not fit (its error is already reported). */
  Object INVALID = new Object() {
    @Override
    public String toString() {
      return "INVALID";
    }
  };

  /** Reads a JSON value (a body, or a part of one). */
  Object fromJson(JsonNode node, Loc loc, Violations v);

  /** Reads one text value (path, query, header, cookie); lists and records have none. */
  Object fromText(String text, Loc loc, Violations v);

  /** The Java type values of this shape have. */
  Class<?> type();

  /** The JSON Schema of this shape for the OpenAPI document. */
  com.fasterxml.jackson.databind.node.ObjectNode schema(Schemas schemas);
}

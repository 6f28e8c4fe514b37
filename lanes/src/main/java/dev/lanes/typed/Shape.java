package dev.lanes.typed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * The shape a declared value must have and how to read it, compiled once per parameter or
 * record component from its Java type and annotations. Reading never throws for bad input: it
 * reports to {@link Violations} and returns {@link #INVALID}, so every error of a request is
 * found in one pass.
 */
sealed interface Shape permits Scalar, ListShape, MapShape, OptionalShape, RecordShape, Constrained, AnyShape {
  /** What a read returns when the input did not fit (its error is already reported). */
  Object INVALID = new Object() {
    @Override
    public String toString() {
      return "INVALID";
    }
  };

  /**
   * What a streaming read returns when the input does not simply fit: the body is then read
   * again as a tree by {@link #fromJson}, which reports why. Nothing is reported to get here.
   */
  Object REREAD = new Object() {
    @Override
    public String toString() {
      return "REREAD";
    }
  };

  /**
   * Reads the value at the parser's current token, leaving the parser on its last token: what
   * {@link #fromJson} returns for a value that fits, read straight from the bytes with no tree;
   * {@link #REREAD} for anything {@code fromJson} would refuse (or that is not worth streaming).
   */
  Object read(JsonParser p) throws IOException;

  /** Reads a JSON value (a body, or a part of one). */
  Object fromJson(JsonNode node, Loc loc, Violations v);

  /** Reads one text value (path, query, header, cookie); lists and records have none. */
  Object fromText(String text, Loc loc, Violations v);

  /** The Java type values of this shape have. */
  Class<?> type();

  /**
   * Whether a text source (query, header, form field) gives this shape every value it sent, as a
   * list, rather than its last one: a {@code List}, also an optional or constrained one.
   */
  default boolean takesEveryValue() {
    return type() == java.util.List.class;
  }

  /** The JSON Schema of this shape for the OpenAPI document. */
  com.fasterxml.jackson.databind.node.ObjectNode schema(Schemas schemas);
}

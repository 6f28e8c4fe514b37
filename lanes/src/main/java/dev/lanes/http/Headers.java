package dev.lanes.http;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Read-only, case-insensitive request headers.
 *
 * <pre>{@code String type = req.headers().first("content-type").orElse("text/plain"); }</pre>
 */
public interface Headers {
  /** The first value of {@code name}, if present. */
  Optional<String> first(String name);

  /** Every value of {@code name}, in order; empty if absent. */
  List<String> all(String name);

  /** Whether {@code name} is present. */
  boolean contains(String name);

  /** The header names, lower-cased. */
  Set<String> names();

  /** Headers from alternating names and values, for tests and tools. */
  static Headers of(String... namesAndValues) {
    return MapHeaders.of(namesAndValues);
  }
}

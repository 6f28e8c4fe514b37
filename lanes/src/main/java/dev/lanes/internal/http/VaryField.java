package dev.lanes.internal.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one {@code Vary} field a response says once a token is added to what it said: its lines
 * (a field on several lines is one list, RFC 9110 5.3) joined into one value, each token once
 * (tokens compare case-insensitively, RFC 9110 12.5.5; the first spelling stays), the new token
 * last. {@code *} already varies by everything: a field that names it is {@code *} alone. One
 * line, so that a reader of the first line misses nothing, as Starlette's {@code add_vary_header}
 * merges (which repeats a token already there and appends to {@code *}).
 * Used wherever the server or its middleware adds a token (compression, {@code Cors},
 * {@code Sessions}), on both protocols.
 *
 * <pre>{@code h.set(VARY, VaryField.with(h.getAll(VARY), "Accept-Encoding")); }</pre>
 */
public final class VaryField {
  private VaryField() {}

  /** The value of the one field {@code lines} (the field's lines, in order; none: empty) say with {@code token}. */
  public static String with(List<? extends CharSequence> lines, String token) {
    if (lines.isEmpty()) {
      return token;
    }
    if (lines.size() == 1 && only(lines.get(0), token)) {
      return lines.get(0).toString(); // the common case: the token alone, as added before
    }
    List<String> tokens = new ArrayList<>(4);
    for (CharSequence line : lines) {
      for (String t : line.toString().split(",")) {
        if (add(tokens, t.strip())) {
          return "*";
        }
      }
    }
    return add(tokens, token) ? "*" : String.join(", ", tokens);
  }

  /** The value of the one field the {@code Vary} lines among {@code headers} (a response's) say with {@code token}. */
  public static String in(List<Map.Entry<String, String>> headers, String token) {
    List<String> lines = new ArrayList<>(2);
    for (Map.Entry<String, String> e : headers) {
      if (e.getKey().equalsIgnoreCase("vary")) {
        lines.add(e.getValue());
      }
    }
    return with(lines, token);
  }

  /** Adds {@code token} unless empty or there (case-insensitive); true when it is {@code *}. */
  private static boolean add(List<String> tokens, String token) {
    if (token.equals("*")) {
      return true;
    }
    if (token.isEmpty()) {
      return false;
    }
    for (String t : tokens) {
      if (t.equalsIgnoreCase(token)) {
        return false;
      }
    }
    tokens.add(token);
    return false;
  }

  private static boolean only(CharSequence line, String token) {
    return line.toString().strip().equalsIgnoreCase(token);
  }
}

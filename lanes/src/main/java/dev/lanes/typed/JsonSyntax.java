package dev.lanes.typed;

/**
 * Finds where and why a text is not JSON, in the words and character positions of Python's
 * {@code json} module, which FastAPI reports in {@code json_invalid} errors
 * ({@code "Expecting value"} at 8). Runs only after the parser has refused the body.
 */
final class JsonSyntax {
  /** A syntax error: Python's message and the character index it points at. */
  record Error(String message, int position) {}

  private final String s;
  private int i;
  private int depth;

  private JsonSyntax(String s) {
    this.s = s;
  }

  /** Python's limit on nesting (its recursion limit); past it Python gives up, naming no position. */
  private static final int MAX_DEPTH = 1000;

  /** The first syntax error of {@code text}, or null if Python would accept it or nests past {@link #MAX_DEPTH}. */
  static Error find(String text) {
    JsonSyntax p = new JsonSyntax(text);
    try {
      p.ws();
      p.value();
      p.ws();
      if (p.i != text.length()) {
        return new Error("Extra data", p.i);
      }
      return null;
    } catch (Failure f) {
      return f.error;
    }
  }

  private static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Error error;

    /** A null message: no syntax error to report. */
    Failure(String message, int position) {
      super(message, null, false, false);
      this.error = message == null ? null : new Error(message, position);
    }
  }

  private void ws() {
    while (i < s.length() && " \t\n\r".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
  }

  private void value() {
    if (i >= s.length()) {
      throw new Failure("Expecting value", i);
    }
    char c = s.charAt(i);
    switch (c) {
      case '"' -> string();
      case '{', '[' -> {
        if (++depth > MAX_DEPTH) { // bounded recursion: nothing Python would point at lies deeper
          throw new Failure(null, i);
        }
        if (c == '{') {
          object();
        } else {
          array();
        }
        depth--;
      }
      default -> {
        for (String word : new String[] {"null", "true", "false", "NaN", "Infinity", "-Infinity"}) {
          if (s.startsWith(word, i)) {
            i += word.length();
            return;
          }
        }
        if (!number()) {
          throw new Failure("Expecting value", i);
        }
      }
    }
  }

  private boolean number() {
    int start = i;
    if (i < s.length() && s.charAt(i) == '-') {
      i++;
    }
    if (i < s.length() && s.charAt(i) == '0') {
      i++;
    } else if (i < s.length() && s.charAt(i) >= '1' && s.charAt(i) <= '9') {
      digits();
    } else {
      i = start;
      return false;
    }
    int mark = i;
    if (i < s.length() && s.charAt(i) == '.') {
      i++;
      if (!digits()) {
        i = mark;
        return true;
      }
    }
    mark = i;
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      if (!digits()) {
        i = mark;
      }
    }
    return true;
  }

  private boolean digits() {
    int start = i;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i > start;
  }

  private void string() {
    int start = i++;
    while (true) {
      if (i >= s.length()) {
        throw new Failure("Unterminated string starting at", start);
      }
      char c = s.charAt(i);
      if (c == '"') {
        i++;
        return;
      }
      if (c < 0x20) {
        throw new Failure("Invalid control character at", i);
      }
      if (c == '\\') {
        if (i + 1 >= s.length()) {
          throw new Failure("Unterminated string starting at", start);
        }
        char e = s.charAt(i + 1);
        if (e == 'u') {
          for (int k = i + 2; k < i + 6; k++) {
            if (k >= s.length() || Character.digit(s.charAt(k), 16) < 0) {
              throw new Failure("Invalid \\uXXXX escape", i + 1);
            }
          }
          i += 6;
          continue;
        }
        if ("\"\\/bfnrt".indexOf(e) < 0) {
          throw new Failure("Invalid \\escape", i);
        }
        i += 2;
        continue;
      }
      i++;
    }
  }

  private void object() {
    i++;
    ws();
    if (i < s.length() && s.charAt(i) == '}') {
      i++;
      return;
    }
    while (true) {
      if (i >= s.length() || s.charAt(i) != '"') {
        throw new Failure("Expecting property name enclosed in double quotes", i);
      }
      string();
      ws();
      if (i >= s.length() || s.charAt(i) != ':') {
        throw new Failure("Expecting ':' delimiter", i);
      }
      i++;
      ws();
      value();
      if (closedBy('}')) {
        return;
      }
    }
  }

  private void array() {
    i++;
    ws();
    if (i < s.length() && s.charAt(i) == ']') {
      i++;
      return;
    }
    while (true) {
      value();
      if (closedBy(']')) {
        return;
      }
    }
  }

  /** After a member or element: true past the closing {@code close}; false past a comma. */
  private boolean closedBy(char close) {
    ws();
    if (i < s.length() && s.charAt(i) == close) {
      i++;
      return true;
    }
    if (i >= s.length() || s.charAt(i) != ',') {
      throw new Failure("Expecting ',' delimiter", i);
    }
    i++;
    ws();
    return false;
  }
}

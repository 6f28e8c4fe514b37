package dev.lanes.internal.http1;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Percent-decodes a request path and refuses what must never reach a handler: malformed escapes,
 * encoded control characters (a NUL or CR/LF smuggled past the request-line check) and {@code .}
 * or {@code ..} segments, which let a path escape the directory a file handler serves.
 */
public final class SafePath {
  private SafePath() {}

  /** The decoded path. @throws IllegalArgumentException with a message safe to send back */
  public static String decode(String rawPath) {
    String path;
    try {
      // decodeComponent is for query strings and turns '+' into a space; in a path '+' is a
      // literal plus, so it is escaped first.
      path = rawPath.indexOf('%') < 0 ? rawPath
          : QueryStringDecoder.decodeComponent(rawPath.replace("+", "%2B"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed percent-encoding in path");
    }
    boolean dot = false;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < ' ' || c == 0x7f) {
        throw new IllegalArgumentException("control character in path");
      }
      dot |= c == '.';
    }
    if (!dot) {
      return path; // no dot segment possible: most paths
    }
    int start = 0;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      int len = end - start;
      if ((len == 1 && path.charAt(start) == '.')
          || (len == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.')) {
        throw new IllegalArgumentException("'.' or '..' segment in path");
      }
      start = end + 1;
    }
    return path;
  }
}

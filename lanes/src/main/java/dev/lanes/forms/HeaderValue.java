package dev.lanes.forms;

import dev.lanes.http.HttpException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A header value with parameters, {@code value; name=token; name="quoted \" string"} (RFC 9110
 * 5.6.6): Content-Type and Content-Disposition. Parameter names are case-insensitive (kept in lower
 * case), parameters may come in any order, and the first of a repeated name wins.
 */
record HeaderValue(String value, Map<String, String> params) {

  /** Parses {@code header}; {@code what} names it in the 400 for an unterminated quoted string. */
  static HeaderValue parse(String header, String what) {
    int semicolon = header.indexOf(';');
    String value = (semicolon < 0 ? header : header.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    Map<String, String> params = new LinkedHashMap<>();
    int n = header.length();
    int i = semicolon < 0 ? n : semicolon + 1;
    while (i < n) {
      int start = i;
      while (i < n && header.charAt(i) != '=' && header.charAt(i) != ';') {
        i++;
      }
      String name = header.substring(start, i).strip().toLowerCase(Locale.ROOT);
      if (i >= n || header.charAt(i) == ';') {
        i++; // a parameter without '=' carries nothing: skipped, as browsers and Starlette do
        continue;
      }
      i++; // '='
      while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
        i++;
      }
      String v;
      if (i < n && header.charAt(i) == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        boolean closed = false;
        while (i < n) {
          char c = header.charAt(i++);
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\' && i < n) {
            // Browsers send a backslash in a name raw (they escape only CR, LF and '"', as %0D %0A
            // %22), so, as python-multipart, only \\ and \" are pairs, and a \" that ends the
            // value is a backslash and the closing quote: "x\" names x\.
            char next = header.charAt(i);
            if (next == '\\' || next == '"' && !endsValue(header, i + 1)) {
              c = next;
              i++;
            }
          }
          sb.append(c);
        }
        if (!closed) {
          throw new HttpException(400, "malformed form: unterminated quoted string in " + what);
        }
        v = sb.toString();
        while (i < n && header.charAt(i) != ';') {
          i++; // anything between the closing quote and the next ';' is not part of the value
        }
      } else {
        start = i;
        while (i < n && header.charAt(i) != ';') {
          i++;
        }
        v = header.substring(start, i).strip();
      }
      i++; // ';'
      if (!name.isEmpty()) {
        params.putIfAbsent(name, v);
      }
    }
    return new HeaderValue(value, params);
  }

  /** Whether only blanks stand between {@code from} and the next {@code ;} or the end. */
  private static boolean endsValue(String header, int from) {
    for (int i = from; i < header.length(); i++) {
      char c = header.charAt(i);
      if (c == ';') {
        return true;
      }
      if (c != ' ' && c != '\t') {
        return false;
      }
    }
    return true;
  }
}

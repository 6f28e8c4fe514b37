package dev.lanes.internal.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The values of one cookie in a request's {@code Cookie} headers, parsed as Starlette's
 * {@code cookie_parser} does: pairs split on {@code ;}, names and values stripped, and a value in
 * double quotes unquoted as Python's {@code http.cookies} does ({@code \073} is {@code ;},
 * {@code \"} is {@code "}). Starlette keeps the last value of a repeated name.
 *
 * <pre>{@code List<String> sessions = CookieValues.of(req.headers().all("cookie"), "session");}</pre>
 *
 * <p>One reading for the typed layer's {@code @Cookie}, {@code ApiKeyAuth}, {@code Request.cookies()}
 * and the session middleware.
 */
public final class CookieValues {
  private CookieValues() {}

  /** Every value of the cookie {@code name}, in order; empty if there is none. */
  public static List<String> of(List<String> headers, String name) {
    List<String> out = new ArrayList<>(1);
    forEachPair(headers, (n, value) -> {
      if (n.equals(name)) {
        out.add(unquote(value));
      }
    });
    return out;
  }

  /**
   * Every cookie by name, the last value of a repeated name kept (Starlette's {@code request.cookies}):
   * a nameless one ({@code =v}, or {@code v} alone) under the empty name.
   */
  public static Map<String, String> all(List<String> headers) {
    Map<String, String> out = new LinkedHashMap<>();
    forEachPair(headers, (name, value) -> out.put(name, unquote(value)));
    return out;
  }

  /**
   * Each {@code name=value} pair of the headers, both stripped, the value still quoted as sent. A
   * chunk without {@code =} is a value with the empty name, as a browser sends a cookie set without
   * a name (Starlette, after Mozilla's bug 169091); a chunk empty on both sides is none.
   */
  private static void forEachPair(List<String> headers, BiConsumer<String, String> pair) {
    for (String header : headers) {
      for (String part : header.split(";")) {
        int eq = part.indexOf('=');
        String name = eq < 0 ? "" : part.substring(0, eq).strip();
        String value = part.substring(eq + 1).strip();
        if (!name.isEmpty() || !value.isEmpty()) {
          pair.accept(name, value);
        }
      }
    }
  }

  /** Python's {@code http.cookies._unquote}: a quoted value loses its quotes and escapes. */
  public static String unquote(String value) {
    int n = value.length();
    if (n < 2 || value.charAt(0) != '"' || value.charAt(n - 1) != '"') {
      return value;
    }
    String inner = value.substring(1, n - 1);
    if (inner.indexOf('\\') < 0) {
      return inner;
    }
    StringBuilder out = new StringBuilder(inner.length());
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c != '\\' || i + 1 >= inner.length()) {
        out.append(c);
      } else if (octal(inner, i + 1)) {
        out.append((char) Integer.parseInt(inner.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(inner.charAt(++i));
      }
    }
    return out.toString();
  }

  /** Whether three octal digits, the first 0-3, start at {@code at} (Python's {@code \\[0-3][0-7][0-7]}). */
  private static boolean octal(String s, int at) {
    return at + 3 <= s.length()
        && s.charAt(at) >= '0' && s.charAt(at) <= '3'
        && s.charAt(at + 1) >= '0' && s.charAt(at + 1) <= '7'
        && s.charAt(at + 2) >= '0' && s.charAt(at + 2) <= '7';
  }
}

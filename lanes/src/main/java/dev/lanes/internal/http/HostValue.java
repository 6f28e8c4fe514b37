package dev.lanes.internal.http;

/**
 * What a {@code Host} header may carry: {@code uri-host [ ":" port ]} (RFC 9110 7.2, RFC 3986 3.2),
 * a reg-name or a bracketed IPv6 literal, then an optional port of at most 65535. No userinfo,
 * path, list, whitespace or control. One check for the server's incoming {@code Host} (HTTP/1.1)
 * and {@code :authority} (HTTP/2), and for a host middleware sets ({@code Request.withHost}).
 *
 * <pre>{@code if (!HostValue.valid(host)) { ... 400 ... }}</pre>
 */
public final class HostValue {
  // A table, not a search of the punctuation per character: every request's Host passes here.
  private static final boolean[] REG_NAME = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      REG_NAME[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-._~%!$&'()*+;=".indexOf(c) >= 0;
    }
  }

  private HostValue() {}

  /** Whether {@code host} is a valid {@code Host} value. */
  public static boolean valid(String host) {
    if (host.isEmpty()) {
      return false;
    }
    int i = 0;
    if (host.charAt(0) == '[') {
      int end = host.indexOf(']');
      if (end < 2) {
        return false;
      }
      for (i = 1; i < end; i++) {
        char c = host.charAt(i);
        if (!(isHex(c) || c == ':' || c == '.')) {
          return false;
        }
      }
      i = end + 1;
    } else {
      for (; i < host.length() && host.charAt(i) != ':'; i++) {
        char c = host.charAt(i);
        // RFC 3986 reg-name: unreserved, pct-encoded and sub-delims, minus ',' (a list is two hosts).
        if (c >= 128 || !REG_NAME[c]) {
          return false;
        }
      }
      if (i == 0) {
        return false;
      }
    }
    if (i == host.length()) {
      return true;
    }
    if (host.charAt(i) != ':') {
      return false;
    }
    // The port may be empty (RFC 3986: the scheme's default); digits past 65535 name no port.
    int port = 0;
    for (i++; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      port = port * 10 + (c - '0');
      if (port > 65535) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}

package dev.lanes.internal.http;

/**
 * What a {@code Host} header may carry: {@code uri-host [ ":" port ]} (RFC 9110 7.2, RFC 3986 3.2),
 * a reg-name (a {@code %} only as two hex digits' escape) or a bracketed IPv6 address (RFC 3986
 * {@code IPv6address}), then an optional port of at most 65535. No userinfo, path, list,
 * whitespace or control. One check for the server's incoming {@code Host} (HTTP/1.1)
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
      if (end < 2 || !ipv6(host, 1, end)) {
        return false;
      }
      i = end + 1;
    } else {
      for (; i < host.length() && host.charAt(i) != ':'; i++) {
        char c = host.charAt(i);
        // RFC 3986 reg-name: unreserved, pct-encoded and sub-delims, minus ',' (a list is two hosts).
        if (c >= 128 || !REG_NAME[c]) {
          return false;
        }
        if (c == '%') {
          if (i + 2 >= host.length() || !isHex(host.charAt(i + 1)) || !isHex(host.charAt(i + 2))) {
            return false;
          }
          i += 2;
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

  /**
   * Whether {@code s[from, to)} is an RFC 3986 {@code IPv6address}: eight groups of one to four
   * hex digits, the last two of which may be a dotted IPv4 address, or fewer around one {@code ::}.
   * A bracket that held anything else ({@code [1]}, {@code [1.2.3.4]}) would be written into URLs
   * no client can follow. No zone: RFC 9110's {@code uri-host} has none.
   */
  private static boolean ipv6(String s, int from, int to) {
    int groups = 0;
    boolean elided = false;
    int i = from;
    if (s.startsWith("::", i)) {
      elided = true;
      i += 2;
      if (i == to) {
        return true;
      }
    }
    while (true) {
      int start = i;
      while (i < to && isHex(s.charAt(i))) {
        i++;
      }
      if (i < to && s.charAt(i) == '.') { // the IPv4 tail: the rest, two groups' worth
        if (!ipv4(s, start, to)) {
          return false;
        }
        groups += 2;
        break;
      }
      if (i == start || i - start > 4) {
        return false;
      }
      groups++;
      if (i == to) {
        break;
      }
      if (s.charAt(i) != ':' || ++i == to) {
        return false; // not a separator, or a single ':' at the end
      }
      if (s.charAt(i) == ':') {
        if (elided) {
          return false;
        }
        elided = true;
        if (++i == to) {
          break;
        }
      }
    }
    return elided ? groups <= 7 : groups == 8;
  }

  /** Whether {@code s[from, to)} is four RFC 3986 {@code dec-octet}s (0-255, no leading zero) joined by dots. */
  private static boolean ipv4(String s, int from, int to) {
    int octets = 0;
    int i = from;
    while (true) {
      int start = i;
      int value = 0;
      while (i < to && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        value = value * 10 + (s.charAt(i++) - '0');
      }
      int digits = i - start;
      if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
        return false;
      }
      if (++octets == 4) {
        return i == to;
      }
      if (i == to || s.charAt(i) != '.') {
        return false;
      }
      i++;
    }
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}

package dev.lanes.internal.http;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An IP address as a URL's host writes it: IPv4 dotted, IPv6 in RFC 5952's canonical text
 * (lower-case, no leading zeros, the longest run of two or more zero groups as {@code ::}, the
 * first of equal runs) inside brackets (RFC 3986 3.2.2), a zone's {@code %} as {@code %25} (RFC
 * 6874). The JDK's {@code getHostAddress} writes all eight groups ({@code 0:0:0:0:0:0:0:1}); the
 * address a client reached and a browser shows is {@code [::1]}.
 *
 * <pre>{@code IpLiteral.urlHost(InetAddress.getByName("::1"))  // "[::1]"}</pre>
 */
public final class IpLiteral {
  private IpLiteral() {}

  /** {@code address} as a URL's host. */
  public static String urlHost(InetAddress address) {
    String text = address.getHostAddress();
    if (!(address instanceof Inet6Address)) {
      return text;
    }
    int percent = text.indexOf('%');
    String groups = percent < 0 ? text : text.substring(0, percent);
    String zone = percent < 0 ? "" : "%25" + text.substring(percent + 1);
    return "[" + compressed(groups.split(":")) + zone + "]";
  }

  /** Eight hex groups as the JDK writes them (no leading zeros), the longest zero run as {@code ::}. */
  private static String compressed(String[] groups) {
    int bestStart = -1;
    int bestLength = 1; // a single zero group stays "0" (RFC 5952 4.2.2)
    for (int i = 0; i < groups.length; ) {
      if (!groups[i].equals("0")) {
        i++;
        continue;
      }
      int start = i;
      while (i < groups.length && groups[i].equals("0")) {
        i++;
      }
      if (i - start > bestLength) {
        bestStart = start;
        bestLength = i - start;
      }
    }
    StringBuilder out = new StringBuilder(39);
    for (int i = 0; i < groups.length; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(groups[i]);
    }
    return out.toString();
  }
}

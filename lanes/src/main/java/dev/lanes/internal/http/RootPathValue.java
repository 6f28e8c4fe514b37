package dev.lanes.internal.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a root path may be: the path prefix an app is served under behind a proxy (FastAPI's
 * {@code root_path}), given by the app ({@code App.Builder.rootPath}) or a trusted proxy's
 * {@code X-Forwarded-Prefix}. It is written into URLs as it is, so it is a URL path in its
 * percent-encoded form: segments of RFC 3986 {@code pchar}s after a {@code /}, each {@code %}
 * followed by two hex digits. None is empty or, decoded, {@code .} or {@code ..}, nor has an
 * encoded {@code /} or a control character (CR, LF, NUL): a prefix must not climb out of the
 * site, split differently once decoded, start a protocol-relative URL ({@code //host}) or a header
 * line. A trailing {@code /} is dropped; {@code ""} and {@code "/"} are no prefix.
 *
 * <pre>{@code String prefix = RootPathValue.normalized("/api/");  // "/api"}</pre>
 */
public final class RootPathValue {
  private static final boolean[] PCHAR = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      PCHAR[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-._~!$&'()*+,;=:@".indexOf(c) >= 0;
    }
  }

  private RootPathValue() {}

  /**
   * {@code raw} without its trailing {@code /} ({@code ""} for none).
   *
   * @throws IllegalArgumentException naming what is wrong when {@code raw} is not a root path
   */
  public static String normalized(String raw) {
    String p = raw;
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty()) {
      return "";
    }
    if (p.charAt(0) != '/') {
      throw bad(raw, "it must start with '/'");
    }
    for (String segment : p.substring(1).split("/", -1)) {
      if (segment.isEmpty()) {
        throw bad(raw, "it has an empty segment ('//')");
      }
      String decoded = decodeSegment(raw, segment);
      if (decoded.equals(".") || decoded.equals("..")) {
        throw bad(raw, "it has a '.' or '..' segment");
      }
    }
    return p;
  }

  /** {@code normalized}'s decoded form, as the server decodes request paths (UTF-8). */
  public static String decoded(String normalized) {
    if (normalized.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(normalized.length());
    for (String segment : normalized.substring(1).split("/", -1)) {
      out.append('/').append(decodeSegment(normalized, segment));
    }
    return out.toString();
  }

  /**
   * A request's path as a URL outside the proxy names it: {@code encodedPath} as it is when the
   * decoded {@code path} starts with {@code rootPath} at a segment boundary (the proxy passed the
   * prefix on), else under it (the proxy stripped it). Compared decoded, as routing compares, so
   * {@code /caf%c3%a9} and {@code /caf%C3%A9} are one prefix. The slash redirect, a static
   * directory's redirect and {@code HttpsRedirect} build their {@code Location} so.
   */
  public static String external(String rootPath, String path, String encodedPath) {
    if (rootPath.isEmpty()) {
      return encodedPath;
    }
    String prefix = decoded(rootPath);
    boolean under = path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    return under ? encodedPath : rootPath + encodedPath;
  }

  private static String decodeSegment(String raw, String segment) {
    if (segment.indexOf('%') < 0) { // the usual prefix (an app's, checked on each of its requests): no copy
      for (int i = 0; i < segment.length(); i++) {
        char c = segment.charAt(i);
        if (c >= 128 || !PCHAR[c]) {
          throw bad(raw, "it has a character a URL path must percent-encode");
        }
      }
      return segment;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        int hi = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(segment.charAt(i + 2), 16) : -1;
        if (lo < 0) {
          throw bad(raw, "a '%' is not followed by two hex digits");
        }
        int b = hi * 16 + lo;
        if (b < 0x20 || b == 0x7f) {
          throw bad(raw, "it encodes a control character");
        }
        if (b == '/') {
          throw bad(raw, "it encodes a '/' (%2F)");
        }
        bytes.write(b);
        i += 2;
      } else if (c < 128 && PCHAR[c]) {
        bytes.write(c);
      } else {
        throw bad(raw, "it has a character a URL path must percent-encode");
      }
    }
    return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
  }

  private static IllegalArgumentException bad(String raw, String why) {
    return new IllegalArgumentException("not a root path (a URL path such as /api): '"
        + raw.replaceAll("\\p{Cntrl}", "?") + "': " + why);
  }
}

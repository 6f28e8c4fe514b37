package dev.lanes.files;

import java.nio.charset.StandardCharsets;

/**
 * The {@code Content-Disposition} value that makes a response a download with a file name
 * (RFC 6266). A name that plain {@code filename} cannot carry (non-ASCII, quotes, backslashes,
 * control characters, {@code %}, which some clients decode) is also sent as {@code filename*}
 * in UTF-8 (RFC 8187), which clients prefer; {@code filename} then holds an ASCII stand-in, each
 * such character replaced by {@code _}, for clients that know only it. Nothing in the name can
 * end the header.
 *
 * <pre>{@code Response.bytes(csv).withHeader("Content-Disposition", ContentDisposition.attachment("données.csv")) }</pre>
 */
public final class ContentDisposition {
  private ContentDisposition() {}

  /** {@code attachment; filename="..."}, plus {@code filename*=UTF-8''...} when the name needs it. */
  public static String attachment(String filename) {
    StringBuilder fallback = new StringBuilder(filename.length());
    boolean plain = true;
    for (int i = 0; i < filename.length(); ) {
      int c = filename.codePointAt(i);
      i += Character.charCount(c);
      // A quoted-pair is not understood by every client, and some read %XX as an escape (RFC
      // 6266 appendix D): neither is sent in the plain name.
      boolean safe = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%';
      fallback.append(safe ? (char) c : '_');
      plain &= safe;
    }
    String value = "attachment; filename=\"" + fallback + "\"";
    return plain ? value : value + "; filename*=UTF-8''" + percentEncoded(filename);
  }

  /** RFC 8187 value-chars: attr-char as is, every other byte of the UTF-8 form as %XX. */
  private static String percentEncoded(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}

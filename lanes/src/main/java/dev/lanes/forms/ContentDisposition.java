package dev.lanes.forms;

import dev.lanes.http.HttpException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;

/**
 * A multipart part's {@code Content-Disposition: form-data; name=...; filename=...} (RFC 7578),
 * with names exactly as sent: Netty's decoder rewrote ',', '=', ':', ';' and tabs to spaces.
 * {@code filename*} (RFC 5987 / 6266, {@code charset'language'percent-encoded}) wins over
 * {@code filename}; one that cannot be read (malformed, an unknown charset) falls back to it.
 *
 * @param name the field name
 * @param filename the file name, or null when the part is a plain field
 */
record ContentDisposition(String name, String filename) {

  /** Parses part {@code part}'s header; a header that is not a named form-data part is a 400. */
  static ContentDisposition parse(String header, int part) {
    HeaderValue value = HeaderValue.parse(header, "part " + part + "'s Content-Disposition");
    if (!value.value().equals("form-data")) {
      throw new HttpException(400, "malformed form: part " + part + "'s Content-Disposition is not form-data");
    }
    String name = value.params().get("name");
    if (name == null) {
      throw new HttpException(400, "malformed form: part " + part + " has no Content-Disposition form-data name");
    }
    String extended = value.params().get("filename*");
    String filename = value.params().get("filename");
    if (extended != null) {
      try {
        filename = extendedValue(extended, part);
      } catch (HttpException unreadable) {
        if (filename == null) {
          throw unreadable;
        }
        // RFC 6266 4.3: filename is the fallback for a recipient that cannot read filename*
      }
    }
    return new ContentDisposition(name, filename);
  }

  /** RFC 5987's ext-value: {@code charset'language'value}, the value percent-encoded in charset. */
  private static String extendedValue(String ext, int part) {
    int first = ext.indexOf('\'');
    int second = first < 0 ? -1 : ext.indexOf('\'', first + 1);
    String problem = "malformed form: part " + part + "'s filename* is not charset'language'percent-encoded";
    if (second < 0) {
      throw new HttpException(400, problem);
    }
    Charset charset;
    try {
      charset = Charset.forName(ext.substring(0, first).strip());
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw new HttpException(400, "malformed form: part " + part + "'s filename* has an unknown charset");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = second + 1; i < ext.length(); i++) {
      char c = ext.charAt(i);
      if (c == '%') {
        int hi = i + 2 < ext.length() ? Character.digit(ext.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(ext.charAt(i + 2), 16);
        if (lo < 0) {
          throw new HttpException(400, problem);
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        throw new HttpException(400, problem); // ext-value is ASCII; anything else is percent-encoded
      }
    }
    return bytes.toString(charset);
  }
}

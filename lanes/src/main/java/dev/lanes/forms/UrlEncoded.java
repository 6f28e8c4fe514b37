package dev.lanes.forms;

import dev.lanes.http.HttpException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body, read as the WHATWG URL standard's parser
 * reads one (and Starlette): {@code name=value} pairs split on '&', '+' a space, {@code %XX} a
 * byte and a '%' not followed by two hex digits kept as sent, the bytes then decoded in the
 * form's charset. A pair without '=' is a name with an empty value; empty pairs are skipped.
 */
final class UrlEncoded {
  private UrlEncoded() { }

  /** The fields in order; 413 past the limits (the decoded value's size). */
  static Map<String, List<String>> parse(byte[] body, Charset charset, FormLimits limits) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    int count = 0;
    for (int start = 0; start <= body.length; ) {
      int end = indexOf(body, (byte) '&', start, body.length);
      if (end > start) {
        if (++count > limits.maxParts()) {
          throw new HttpException(413, "too many form parts (at most " + limits.maxParts() + ")");
        }
        int eq = indexOf(body, (byte) '=', start, end);
        byte[] value = eq == end ? new byte[0] : decode(body, eq + 1, end);
        if (value.length > limits.maxPartSize()) {
          throw new HttpException(413, "a form part is larger than " + limits.maxPartSize() + " bytes");
        }
        fields.computeIfAbsent(new String(decode(body, start, eq), charset), k -> new ArrayList<>())
            .add(new String(value, charset));
      }
      start = end + 1;
    }
    return fields;
  }

  private static int indexOf(byte[] body, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (body[i] == b) {
        return i;
      }
    }
    return to;
  }

  /** Percent-decodes {@code body[from, to)}, '+' as a space. */
  private static byte[] decode(byte[] body, int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      byte b = body[i];
      int hi = b == '%' && i + 2 < to ? Character.digit(body[i + 1], 16) : -1;
      int lo = hi < 0 ? -1 : Character.digit(body[i + 2], 16);
      if (lo >= 0) {
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        out.write(b == '+' ? ' ' : b);
      }
    }
    return out.toByteArray();
  }
}

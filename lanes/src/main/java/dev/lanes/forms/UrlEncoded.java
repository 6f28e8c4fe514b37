package dev.lanes.forms;

import dev.lanes.http.HttpException;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body: {@code name=value} pairs split on '&', '+'
 * a space, percent-escapes in the form's charset; a pair without '=' is a name with an empty value
 * and empty pairs are skipped (Starlette's {@code parse_qsl(keep_blank_values=True)}).
 */
final class UrlEncoded {
  private UrlEncoded() { }

  /** The fields in order; 413 past the limits (the decoded value's size), 400 for a bad escape. */
  static Map<String, List<String>> parse(byte[] body, Charset charset, FormLimits limits) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    // ISO-8859-1 keeps each byte a char: percent-decoding then reads raw bytes in the form's charset
    String text = new String(body, StandardCharsets.ISO_8859_1);
    int count = 0;
    for (String pair : text.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      if (++count > limits.maxParts()) {
        throw new HttpException(413, "too many form parts (at most " + limits.maxParts() + ")");
      }
      int eq = pair.indexOf('=');
      String rawValue = eq < 0 ? "" : pair.substring(eq + 1);
      String name;
      String value;
      try {
        name = decode(eq < 0 ? pair : pair.substring(0, eq), charset);
        value = decode(rawValue, charset);
      } catch (IllegalArgumentException e) {
        throw new HttpException(400, "malformed form: field " + count + " has a malformed percent-escape");
      }
      // a value never decodes to more bytes than it was sent with; only a long one needs measuring
      if (rawValue.length() > limits.maxPartSize() && value.getBytes(charset).length > limits.maxPartSize()) {
        throw new HttpException(413, "a form part is larger than " + limits.maxPartSize() + " bytes");
      }
      fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return fields;
  }

  private static String decode(String raw, Charset charset) {
    boolean plain = raw.chars().allMatch(c -> c < 0x80);
    if (plain) {
      return QueryStringDecoder.decodeComponent(raw, charset);
    }
    // raw bytes beyond ASCII: escape them so they decode in the form's charset as '%XX' does
    StringBuilder sb = new StringBuilder(raw.length() * 3);
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < 0x80) {
        sb.append(c);
      } else {
        sb.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
      }
    }
    return QueryStringDecoder.decodeComponent(sb.toString(), charset);
  }
}

package dev.lanes.forms;

import dev.lanes.internal.http.UrlEncodedPairs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body, read as the WHATWG URL standard's parser
 * reads one (and Starlette): {@link UrlEncodedPairs}, as a query string is, the bytes then decoded
 * in the form's charset (or the one its {@code _charset_} field names: {@link CharsetField}),
 * within the form's limits. It is read from a stream one {@code name=value}
 * pair at a time (the standard splits on '&amp;' first), so a streamed body is held a pair at a
 * time: a pair as sent is bounded by what its decoded value may be ({@code maxPartSize}, each
 * byte escaped as {@code %XX}) plus a name of 8 KiB, and by what is left of the decoded names and
 * values' total ({@code maxFieldsSize}), three bytes sent for each.
 */
final class UrlEncoded {
  private static final int NAME_BYTES = MultipartBody.MAX_HEADER_BYTES;
  private static final byte[] CHARSET_FIELD = CharsetField.NAME.getBytes(StandardCharsets.US_ASCII);

  private UrlEncoded() { }

  /**
   * The fields in order, in {@code charset} or the one a {@code _charset_} field names; 413 past
   * the limits (the decoded value's size).
   */
  static Map<String, List<String>> parse(InputStream in, Charset charset, FormLimits limits) throws IOException {
    List<byte[][]> pairs = new ArrayList<>(); // decoded once read: a _charset_ pair may name their charset
    int[] count = {0};
    long[] held = {0}; // decoded names and values so far
    UrlEncodedPairs.Sink sink = (name, value) -> {
      if (++count[0] > limits.maxParts()) {
        throw limits.tooManyParts();
      }
      if (value.length > limits.maxPartSize()) {
        throw limits.partTooLarge();
      }
      held[0] += name.length + value.length;
      if (held[0] > limits.maxFieldsSize()) {
        throw limits.fieldsTooLarge();
      }
      pairs.add(new byte[][] {name, value});
    };
    long maxPair = Math.min(3 * limits.maxPartSize() + 1 + NAME_BYTES, Integer.MAX_VALUE - 8);
    ByteArrayOutputStream pair = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    for (int n; (n = in.read(chunk)) >= 0; ) {
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (chunk[i] == '&') {
          pair.write(chunk, start, i - start);
          UrlEncodedPairs.forEach(pair.toByteArray(), sink);
          pair.reset();
          start = i + 1;
        }
      }
      long size = pair.size() + (long) (n - start);
      if (size > maxPair) {
        throw limits.partTooLarge();
      }
      // A pair decodes to at least a third of its bytes but its '=': one that must pass the
      // fields' total is refused before the rest of it arrives.
      if ((size + 1) / 3 > limits.maxFieldsSize() - held[0]) {
        throw limits.fieldsTooLarge();
      }
      pair.write(chunk, start, n - start);
    }
    UrlEncodedPairs.forEach(pair.toByteArray(), sink);
    Charset textCharset = charset;
    for (byte[][] p : pairs) {
      if (Arrays.equals(p[0], CHARSET_FIELD)) {
        textCharset = CharsetField.charset(p[1], charset);
        break;
      }
    }
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (byte[][] p : pairs) {
      fields.computeIfAbsent(new String(p[0], textCharset), k -> new ArrayList<>()).add(new String(p[1], textCharset));
    }
    return fields;
  }
}

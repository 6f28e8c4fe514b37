package dev.lanes.forms;

import dev.lanes.http.HttpException;
import dev.lanes.internal.http.UrlEncodedPairs;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body, read as the WHATWG URL standard's parser
 * reads one (and Starlette): {@link UrlEncodedPairs}, as a query string is, the bytes then decoded
 * in the form's charset, within the form's limits.
 */
final class UrlEncoded {
  private UrlEncoded() { }

  /** The fields in order; 413 past the limits (the decoded value's size). */
  static Map<String, List<String>> parse(byte[] body, Charset charset, FormLimits limits) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    int[] count = {0};
    UrlEncodedPairs.forEach(body, (name, value) -> {
      if (++count[0] > limits.maxParts()) {
        throw new HttpException(413, "too many form parts (at most " + limits.maxParts() + ")");
      }
      if (value.length > limits.maxPartSize()) {
        throw new HttpException(413, "a form part is larger than " + limits.maxPartSize() + " bytes");
      }
      fields.computeIfAbsent(new String(name, charset), k -> new ArrayList<>()).add(new String(value, charset));
    });
    return fields;
  }
}

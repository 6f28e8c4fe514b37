package dev.lanes.internal.http1;

import dev.lanes.http.Headers;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An HTTP/1.1 request's header fields, taken out of Netty's decoded head into one array of
 * alternating names and values, looked up by a scan (Starlette's headers are a list too). A
 * request lives as long as its handler: with 10 000 asleep, Netty's hash table, its entry per field
 * and the view over them (~280 bytes for a three-field request) are what every young collection
 * copied and then promoted; this holds the same strings in ~56.
 */
final class Http1RequestHeaders implements Headers {
  private final CharSequence[] fields; // name, value, name, value... in the order received

  private Http1RequestHeaders(CharSequence[] fields) {
    this.fields = fields;
  }

  /** The fields of {@code headers}, as they are now. */
  static Headers of(HttpHeaders headers) {
    CharSequence[] fields = new CharSequence[headers.size() * 2];
    int i = 0;
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> field = it.next();
      if (i == fields.length) { // size() is a hint for some HttpHeaders
        fields = Arrays.copyOf(fields, Math.max(4, fields.length * 2));
      }
      fields[i++] = field.getKey();
      fields[i++] = field.getValue();
    }
    return new Http1RequestHeaders(i == fields.length ? fields : Arrays.copyOf(fields, i));
  }

  @Override
  public Optional<String> first(String name) {
    for (int i = 0; i < fields.length; i += 2) {
      if (AsciiString.contentEqualsIgnoreCase(fields[i], name)) {
        return Optional.of(fields[i + 1].toString());
      }
    }
    return Optional.empty();
  }

  @Override
  public List<String> all(String name) {
    List<String> out = null;
    for (int i = 0; i < fields.length; i += 2) {
      if (AsciiString.contentEqualsIgnoreCase(fields[i], name)) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(fields[i + 1].toString());
      }
    }
    return out == null ? List.of() : out;
  }

  @Override
  public boolean contains(String name) {
    for (int i = 0; i < fields.length; i += 2) {
      if (AsciiString.contentEqualsIgnoreCase(fields[i], name)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Set<String> names() {
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < fields.length; i += 2) {
      out.add(fields[i].toString().toLowerCase(Locale.ROOT));
    }
    return out;
  }
}

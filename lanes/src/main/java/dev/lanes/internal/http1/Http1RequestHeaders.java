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
    int i = find(name, 0);
    return i < 0 ? Optional.empty() : Optional.of(fields[i + 1].toString());
  }

  @Override
  public List<String> all(String name) {
    int i = find(name, 0);
    if (i < 0) {
      return List.of();
    }
    List<String> out = new ArrayList<>(2);
    for (; i >= 0; i = find(name, i + 2)) {
      out.add(fields[i + 1].toString());
    }
    return out;
  }

  @Override
  public boolean contains(String name) {
    return find(name, 0) >= 0;
  }

  /** The index of the first field named {@code name} (any case) at or after {@code from}, or -1. */
  private int find(String name, int from) {
    for (int i = from; i < fields.length; i += 2) {
      if (AsciiString.contentEqualsIgnoreCase(fields[i], name)) {
        return i;
      }
    }
    return -1;
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

package dev.lanes.internal.http2;

import dev.lanes.http.Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link Headers} as a view of an HTTP/2 request's fields, read as HTTP/1.1 would: names are
 * looked up lower-cased (HTTP/2 sends them so), {@code host} falls back to {@code :authority},
 * and the {@code cookie} crumbs HTTP/2 may send apart are joined with "; " (RFC 9113 8.2.3).
 * Pseudo-header fields are not headers and are not listed.
 */
final class Http2RequestHeaders implements Headers {
  private final Http2Headers headers;

  Http2RequestHeaders(Http2Headers headers) {
    this.headers = headers;
  }

  @Override
  public Optional<String> first(String name) {
    List<String> all = all(name);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  @Override
  public List<String> all(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    List<CharSequence> values = headers.getAll(lower);
    if (values.isEmpty()) {
      if (lower.equals("host") && headers.authority() != null) {
        return List.of(headers.authority().toString());
      }
      return List.of();
    }
    if (lower.equals("cookie") && values.size() > 1) {
      return List.of(String.join("; ", values));
    }
    List<String> out = new ArrayList<>(values.size());
    for (CharSequence v : values) {
      out.add(v.toString());
    }
    return out;
  }

  @Override
  public boolean contains(String name) {
    return !all(name).isEmpty();
  }

  @Override
  public Set<String> names() {
    Set<String> out = new TreeSet<>();
    for (var e : headers) {
      CharSequence n = e.getKey();
      if (n.length() > 0 && n.charAt(0) != ':') {
        out.add(n.toString().toLowerCase(Locale.ROOT));
      }
    }
    if (headers.authority() != null) {
      out.add("host");
    }
    return out;
  }
}

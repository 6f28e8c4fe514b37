package dev.lanes.internal.http1;

import dev.lanes.http.Headers;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** {@link Headers} as a view of Netty's, so a request's headers are never copied. */
final class NettyHeaders implements Headers {
  private final HttpHeaders headers;

  NettyHeaders(HttpHeaders headers) {
    this.headers = headers;
  }

  @Override
  public Optional<String> first(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  @Override
  public List<String> all(String name) {
    return headers.getAll(name);
  }

  @Override
  public boolean contains(String name) {
    return headers.contains(name);
  }

  @Override
  public Set<String> names() {
    Set<String> out = new TreeSet<>();
    for (String n : headers.names()) {
      out.add(n.toLowerCase(Locale.ROOT));
    }
    return out;
  }
}

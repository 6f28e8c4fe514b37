package dev.lanes.testing;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One response read by {@link RawClient}, with its body de-chunked.
 *
 * @param version the status line's version ({@code HTTP/1.1})
 * @param status the status code
 * @param headers fields by lower-cased name, in arrival order; each name's values in order
 * @param body the body bytes (chunked framing removed, trailers dropped)
 */
public record RawResponse(String version, int status, Map<String, List<String>> headers,
    byte[] body) {

  public RawResponse {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((name, values) ->
        copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    headers = Collections.unmodifiableMap(copy);
  }

  /** The body as UTF-8 text. */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The first value of the field {@code name} (any case). */
  public Optional<String> header(String name) {
    return headerValues(name).stream().findFirst();
  }

  /** Every value of the field {@code name} (any case), in order. */
  public List<String> headerValues(String name) {
    return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }
}

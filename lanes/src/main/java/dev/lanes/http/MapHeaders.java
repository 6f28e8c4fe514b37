package dev.lanes.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@link Headers} over a plain map, for requests built outside the server. */
final class MapHeaders implements Headers {
  private final Map<String, List<String>> values;

  private MapHeaders(Map<String, List<String>> values) {
    this.values = values;
  }

  static MapHeaders of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("headers come in name/value pairs");
    }
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.computeIfAbsent(namesAndValues[i].toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(namesAndValues[i + 1]);
    }
    return new MapHeaders(map);
  }

  @Override
  public Optional<String> first(String name) {
    List<String> v = values.get(name.toLowerCase(Locale.ROOT));
    return v == null ? Optional.empty() : Optional.of(v.get(0));
  }

  @Override
  public List<String> all(String name) {
    return values.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  @Override
  public boolean contains(String name) {
    return values.containsKey(name.toLowerCase(Locale.ROOT));
  }

  @Override
  public Set<String> names() {
    return values.keySet();
  }
}

package dev.lanes.typed;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a value sits in the request ({@code body → tags → 0}), as a chain built while reading
 * and turned into pydantic's {@code loc} list only when an error is reported.
 */
record Loc(Loc parent, Object key) {
  static Loc root(String source) {
    return new Loc(null, source);
  }

  Loc child(Object k) {
    return new Loc(this, k);
  }

  List<Object> toList() {
    List<Object> out = new ArrayList<>();
    for (Loc l = this; l != null; l = l.parent) {
      out.add(0, l.key);
    }
    return out;
  }
}

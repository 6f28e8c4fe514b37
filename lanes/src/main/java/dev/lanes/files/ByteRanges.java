package dev.lanes.files;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Parses a {@code Range: bytes=...} header against a file size (RFC 9110 §14). A header that is
 * not understood is ignored (the whole file is sent), as the RFC allows.
 */
final class ByteRanges {
  /** At most this many ranges are honoured; more is treated as no Range at all (a DoS guard). */
  static final int MAX_RANGES = 16;

  /** One satisfiable range, inclusive. */
  record Range(long first, long last) {
    long length() {
      return last - first + 1;
    }
  }

  /** Parsed outcome: empty = ignore the header; an empty list = unsatisfiable (416). */
  static Optional<List<Range>> parse(String header, long size) {
    if (!header.regionMatches(true, 0, "bytes=", 0, 6)) {
      return Optional.empty();
    }
    String[] specs = header.substring(6).split(",");
    if (specs.length > MAX_RANGES) {
      return Optional.empty();
    }
    List<Range> ranges = new ArrayList<>();
    int parsed = 0;
    for (String raw : specs) {
      String spec = raw.trim();
      if (spec.isEmpty()) {
        continue; // an empty list element, which RFC 9110 5.6.1 has recipients skip
      }
      parsed++;
      int dash = spec.indexOf('-');
      if (dash < 0) {
        return Optional.empty();
      }
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      if (a.isEmpty()) {
        long suffix = position(b);
        if (suffix < 0) {
          return Optional.empty();
        }
        if (suffix > 0 && size > 0) {
          ranges.add(new Range(Math.max(0, size - suffix), size - 1));
        }
      } else {
        long first = position(a);
        // Only a last-pos that is sent can make the spec invalid: "0-" of an empty file is
        // valid, and unsatisfiable.
        long last = b.isEmpty() ? Long.MAX_VALUE : position(b);
        if (first < 0 || last < first) {
          return Optional.empty();
        }
        if (first < size) {
          ranges.add(new Range(first, Math.min(last, size - 1)));
        }
      }
    }
    return parsed == 0 ? Optional.empty() : Optional.of(coalesced(ranges));
  }

  /**
   * A first-pos, last-pos or suffix-length: 1*DIGIT, so no sign; one past a long's range is
   * {@code Long.MAX_VALUE} (beyond any file). -1 if it is not one.
   */
  private static long position(String digits) {
    if (digits.isEmpty()) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : value * 10 + (c - '0');
    }
    return value;
  }

  /**
   * The ranges in order, those that overlap or touch merged (RFC 9110 section 15.3.7.2 allows it,
   * section 17.15 asks for it): else sixteen {@code 0-} would send the file sixteen times.
   */
  private static List<Range> coalesced(List<Range> ranges) {
    if (ranges.size() < 2) {
      return ranges;
    }
    ranges.sort(Comparator.comparingLong(Range::first));
    List<Range> merged = new ArrayList<>();
    Range current = ranges.get(0);
    for (Range next : ranges.subList(1, ranges.size())) {
      if (next.first() <= current.last() + 1) {
        current = new Range(current.first(), Math.max(current.last(), next.last()));
      } else {
        merged.add(current);
        current = next;
      }
    }
    merged.add(current);
    return merged;
  }

  private ByteRanges() {}
}

package dev.lanes.typed;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * UUID text as pydantic 2 reads it (through Rust's {@code uuid} crate): hyphenated, 32 hex digits,
 * {@code {...}} or {@code urn:uuid:...}, hex digits in either case; a refusal says why in the
 * crate's words, which pydantic puts in {@code uuid_parsing}'s msg and ctx.
 */
final class UuidSyntax {
  private static final int[] GROUP_STARTS = {0, 9, 14, 19, 24};
  private static final int[] GROUP_LENGTHS = {8, 4, 4, 4, 12};

  private UuidSyntax() {}

  /** The UUID {@code s} spells, or null if it spells none (see {@link #reason}). */
  static UUID parse(String s) {
    int n = s.length();
    if (n == 32) {
      return hex(s, false);
    } else if (n == 36) {
      return hex(s, true);
    } else if (n == 38 && s.charAt(0) == '{' && s.charAt(37) == '}') {
      return hex(s.substring(1, 37), true);
    } else if (n == 45 && s.startsWith("urn:uuid:")) {
      return hex(s.substring(9), true);
    }
    return null;
  }

  private static UUID hex(String s, boolean hyphenated) {
    long hi = 0;
    long lo = 0;
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (hyphenated && (i == 8 || i == 13 || i == 18 || i == 23)) {
        if (c != '-') {
          return null;
        }
        continue;
      }
      int d = Character.digit(c, 16);
      if (d < 0 || c > 'f') { // Character.digit also takes non-ASCII digits
        return null;
      }
      if (digits < 16) {
        hi = hi << 4 | d;
      } else {
        lo = lo << 4 | d;
      }
      digits++;
    }
    return new UUID(hi, lo);
  }

  /** Why {@code s} is no UUID, as the uuid crate says it; positions count UTF-8 bytes from 1. */
  static String reason(String s) {
    String inner = s;
    int offset = 0;
    boolean simple = false;
    if (s.length() >= 2 && s.startsWith("{") && s.endsWith("}")) {
      inner = s.substring(1, s.length() - 1);
      offset = 1;
    } else if (s.startsWith("urn:uuid:")) {
      inner = s.substring(9);
      offset = 9;
    } else {
      simple = true;
    }
    int hyphens = 0;
    int[] bounds = new int[4];
    int index = 0; // in UTF-8 bytes, as the crate counts
    for (int i = 0; i < inner.length(); ) {
      int c = inner.codePointAt(i);
      if (c == '-') {
        if (hyphens < 4) {
          bounds[hyphens] = index;
        }
        hyphens++;
      } else if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        return "invalid character: found `" + Character.toString(c) + "` at " + (index + offset + 1);
      }
      index += Character.toString(c).getBytes(StandardCharsets.UTF_8).length;
      i += Character.charCount(c);
    }
    if (hyphens == 0 && simple) {
      return "invalid length: expected length 32 for simple format, found " + utf8Length(s);
    } else if (hyphens != 4) {
      return "invalid group count: expected 5, found " + (hyphens + 1);
    }
    for (int g = 0; g < 4; g++) {
      if (bounds[g] != GROUP_STARTS[g + 1] - 1) {
        return groupLength(g, bounds[g] - GROUP_STARTS[g]);
      }
    }
    // the last group is too long; the crate measures it against the whole input, braces or prefix included
    return groupLength(4, utf8Length(s) - GROUP_STARTS[4]);
  }

  private static String groupLength(int group, int found) {
    return "invalid group length in group " + group + ": expected " + GROUP_LENGTHS[group] + ", found " + found;
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}

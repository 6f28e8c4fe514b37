package dev.lanes.typed;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Durations as pydantic 2 reads a {@code timedelta} (through Rust's {@code speedate}), byte for byte:
 * an optional sign, then ISO 8601 ({@code P1DT2H3M4.5S}; a year is 365 days, a month 30, one fraction,
 * on the last value), or {@code [D d[ays][,] ][HH]:MM[:SS[.f]]} ({@code 1 day, 1:00:00}, {@code 1d},
 * {@code 01:02:03.5}); in a JSON body also a number of seconds. At most 999,999,999 days.
 */
final class DurationSyntax {
  private static final long MAX_U32 = 0xFFFF_FFFFL;

  private DurationSyntax() {}

  /** The {@link Duration} {@code text} names, or the {@link DateSyntax.Refusal}. */
  static Object parse(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    boolean negative = b.length > 0 && b[0] == '-';
    int from = b.length > 0 && (b[0] == '-' || b[0] == '+') ? 1 : 0;
    byte[] rest = Arrays.copyOfRange(b, from, b.length);
    try {
      long[] d; // days, seconds, microseconds
      if (rest.length == 0) {
        throw new DateSyntax.Refused("input is too short");
      } else if (rest[0] == 'P') {
        d = iso(rest);
      } else if (hasDays(rest) || rest.length < 5) {
        d = daysAndClock(rest);
      } else {
        d = clock(rest);
      }
      return of(negative, d[0], d[1], d[2]);
    } catch (DateSyntax.Refused e) {
      return DateSyntax.Refusal.of("time_delta_parsing", e.getMessage());
    }
  }

  /** A number of seconds sent as a JSON number, or the {@link DateSyntax.Refusal}. */
  static Object seconds(double seconds) {
    if (Double.isNaN(seconds)) {
      return DateSyntax.Refusal.of("time_delta_parsing", "NaN values not permitted");
    }
    double abs = Math.abs(seconds);
    long days = (long) Math.min(abs / 86_400, MAX_U32); // u32s in pydantic, saturating
    long whole = (long) Math.min(abs, Long.MAX_VALUE) % 86_400;
    long micro = Math.round((abs - Math.floor(abs)) * 1_000_000);
    try {
      return of(seconds < 0, days, whole, micro);
    } catch (DateSyntax.Refused e) {
      return DateSyntax.Refusal.of("time_delta_parsing", e.getMessage());
    }
  }

  /** speedate's normalising: microseconds into seconds, seconds into days, then the days' bound. */
  private static Duration of(boolean negative, long days, long seconds, long micro) throws DateSyntax.Refused {
    seconds += micro / 1_000_000;
    micro %= 1_000_000;
    days += seconds / 86_400;
    seconds %= 86_400;
    if (days > MAX_U32) {
      throw new DateSyntax.Refused("a numeric value in the duration is too large");
    }
    if (days > 999_999_999) {
      throw new DateSyntax.Refused("durations may not exceed 999,999,999 days");
    }
    Duration d = Duration.ofSeconds(days * 86_400 + seconds, micro * 1000);
    return negative ? d.negated() : d;
  }

  private static boolean hasDays(byte[] b) {
    for (byte c : b) {
      if (c == 'd' || c == 'D') {
        return true;
      }
    }
    return false;
  }

  /** {@code P...} with the {@code P} at 0. */
  private static long[] iso(byte[] b) throws DateSyntax.Refused {
    boolean gotT = false;
    boolean hadFraction = false;
    int p = 1;
    long day = 0;
    long second = 0;
    long micro = 0;
    for (; p < b.length; p++) {
      if (b[p] == 'T') {
        if (gotT) {
          throw new DateSyntax.Refused("`t` character repeated in duration");
        }
        gotT = true;
        continue;
      }
      long[] number = number(b, p); // value, end
      long value = number[0];
      p = (int) number[1];
      Double fraction = null;
      if (p < b.length && (b[p] == '.' || b[p] == ',')) {
        double decimal = 0;
        double denominator = 1;
        while (++p < b.length && b[p] >= '0' && b[p] <= '9') {
          decimal = decimal * 10 + (b[p] - '0');
          denominator *= 10;
        }
        fraction = decimal / denominator;
      }
      if (hadFraction) {
        throw new DateSyntax.Refused("quantity fraction invalid in duration");
      }
      hadFraction = fraction != null;
      byte unit = p < b.length ? b[p] : 0;
      if (gotT) {
        long mult = switch (unit) {
          case 'H' -> 3600;
          case 'M' -> 60;
          case 'S' -> 1;
          default -> throw new DateSyntax.Refused("quantity invalid in time part of duration");
        };
        second = u32(second + u32(mult * value));
        if (fraction != null) {
          double extra = fraction * mult;
          double full = Math.floor(extra);
          second = u32(second + (long) full);
          micro = u32(micro + Math.round((extra - full) * 1_000_000));
        }
      } else {
        long mult = switch (unit) {
          case 'Y' -> 365;
          case 'M' -> 30;
          case 'W' -> 7;
          case 'D' -> 1;
          default -> throw new DateSyntax.Refused("quantity invalid in date part of duration");
        };
        day = u32(day + u32(value * mult));
        if (fraction != null) {
          double extraDays = fraction * mult;
          double fullDays = Math.floor(extraDays);
          day = u32(day + (long) fullDays);
          double extraSeconds = (extraDays - fullDays) * 86_400;
          double fullSeconds = Math.floor(extraSeconds);
          second = u32(second + (long) fullSeconds);
          micro += Math.round((extraSeconds - fullSeconds) * 1_000_000);
        }
      }
    }
    if (p - 1 < 2) { // at least one field after the P
      throw new DateSyntax.Refused("input is too short");
    }
    return new long[] {day, second, micro};
  }

  /** {@code D d[ay[s]][,][ ]} then an optional clock. */
  private static long[] daysAndClock(byte[] b) throws DateSyntax.Refused {
    long[] number = number(b, 0);
    long day = number[0];
    int p = (int) number[1];
    if (p + 1 < b.length && b[p] == ' ' && (b[p + 1] == 'd' || b[p + 1] == 'D')) {
      p += 2;
    } else if (p < b.length && (b[p] == 'd' || b[p] == 'D')) {
      p++;
    } else {
      throw new DateSyntax.Refused("\"day\" identifier in duration not correctly formatted");
    }
    if (startsWith(b, p, "ays") || startsWith(b, p, "AYS")) {
      p += 3;
    } else if (startsWith(b, p, "ay") || startsWith(b, p, "AY")) {
      p += 2;
    } else if (p < b.length && (b[p] == 'a' || b[p] == 'A')) {
      throw new DateSyntax.Refused("\"day\" identifier in duration not correctly formatted");
    }
    if (p < b.length && b[p] == ',') {
      p++;
    }
    if (p < b.length && b[p] == ' ') {
      p++;
    }
    if (p == b.length) {
      return new long[] {day, 0, 0};
    }
    long[] t = clock(Arrays.copyOfRange(b, p, b.length));
    if (t[0] > 0) { // 1d 24:00:00 is not allowed
      throw new DateSyntax.Refused("durations may not exceed 999,999,999 hours");
    }
    return new long[] {day, t[1], t[2]};
  }

  /** {@code H...:MM[:SS[.f]]}: any number of hours, then a clock's minutes and seconds. */
  private static long[] clock(byte[] b) throws DateSyntax.Refused {
    if (b.length < 5) {
      throw new DateSyntax.Refused("input is too short");
    }
    int colon = -1;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon < 0) {
      throw new DateSyntax.Refused("invalid character in hour");
    }
    if (colon > 10) {
      throw new DateSyntax.Refused("durations may not exceed 999,999,999 hours");
    }
    long hour = 0;
    for (int i = 0; i < colon; i++) {
      int h = b[i] - '0';
      if (h < 0 || h > 9) {
        throw new DateSyntax.Refused("invalid character in hour");
      }
      hour = hour * 10 + h;
    }
    if (hour > 24L * 100_000_000) {
      throw new DateSyntax.Refused("durations may not exceed 999,999,999 hours");
    }
    // the rest read as the minutes and seconds of a clock, cut to "MM:SS.ffffff" as speedate cuts it
    int keep = Math.min(b.length - colon - 1, 12);
    byte[] clock = new byte[3 + keep];
    clock[0] = '0';
    clock[1] = '0';
    clock[2] = ':';
    System.arraycopy(b, colon + 1, clock, 3, keep);
    int[] t = DateSyntax.clock(clock, 0);
    if (clock.length > t[4]) {
      throw new DateSyntax.Refused("unexpected extra characters at the end of the input");
    }
    return new long[] {hour / 24, t[1] * 60L + t[2] + hour % 24 * 3600, t[3]};
  }

  private static long[] number(byte[] b, int p) throws DateSyntax.Refused {
    if (p >= b.length || b[p] < '0' || b[p] > '9') {
      throw new DateSyntax.Refused("invalid digit in duration");
    }
    long value = 0;
    while (p < b.length && b[p] >= '0' && b[p] <= '9') {
      value = u32(value * 10 + (b[p] - '0'));
      p++;
    }
    return new long[] {value, p};
  }

  private static boolean startsWith(byte[] b, int p, String word) {
    if (p + word.length() > b.length) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (b[p + i] != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** speedate's u32 arithmetic: past it, the value is too large. */
  private static long u32(long v) throws DateSyntax.Refused {
    if (v > MAX_U32 || v < 0) {
      throw new DateSyntax.Refused("a numeric value in the duration is too large");
    }
    return v;
  }
}

package dev.lanes.typed;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/**
 * Dates, datetimes and times as pydantic 2 reads them (through Rust's {@code speedate}), byte for byte:
 * RFC 3339 datetimes with {@code T}, {@code t}, {@code _} or a space, an optional offset; unix timestamps
 * in seconds or, past 2e10, milliseconds (UTC); a date is {@code YYYY-MM-DD} or a datetime at midnight,
 * a datetime may be a date (midnight, naive); a time is {@code HH:MM[:SS[.ffffff]]} with an optional
 * offset, or a JSON number of seconds since midnight (UTC). A refusal carries pydantic's type and speedate's reason.
 */
final class DateSyntax {
  private static final long MS_WATERSHED = 20_000_000_000L;
  private static final long UNIX_0000 = -62_167_219_200L;
  private static final long UNIX_9999 = 253_402_300_799L;
  // speedate takes offsets below 24 hours; java.time's ZoneOffset holds at most 18: a 422, not a 500
  private static final int MAX_OFFSET = 18 * 3600;
  private static final String OFFSET_PAST_JAVA = "timezone offset must be at most 18 hours";
  // speedate reads a number with a '.' as a float (an exponent after it too); any other non-digit is no number
  private static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]*\\.[0-9]*([eE][+-]?[0-9]+)?");

  /** How a value failed to read: pydantic's error type, its msg and speedate's reason for ctx (null for none). */
  record Refusal(String type, String msg, String reason) {
    static Refusal of(String type, String reason) {
      return switch (type) {
        case "date_parsing" -> new Refusal(type, "Input should be a valid date in the format YYYY-MM-DD, " + reason, reason);
        case "date_from_datetime_parsing" -> new Refusal(type, "Input should be a valid date or datetime, " + reason, reason);
        case "datetime_parsing" -> new Refusal(type, "Input should be a valid datetime, " + reason, reason);
        case "datetime_from_date_parsing" -> new Refusal(type, "Input should be a valid datetime or date, " + reason, reason);
        case "date_from_datetime_inexact" ->
            new Refusal(type, "Datetimes provided to dates should have zero time - e.g. be exact dates", null);
        case "timezone_naive" -> new Refusal(type, "Input should not have timezone info", null);
        case "timezone_aware" -> new Refusal(type, "Input should have timezone info", null);
        case "time_parsing" -> new Refusal(type, "Input should be in a valid time format, " + reason, reason);
        case "time_delta_parsing" -> new Refusal(type, "Input should be a valid timedelta, " + reason, reason);
        default -> throw new IllegalArgumentException(type);
      };
    }
  }

  /** Thrown for a reason speedate gives; only ever caught here and in {@link DurationSyntax}. */
  static final class Refused extends Exception {
    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  /** A datetime as speedate holds it: {@code offset} in seconds east of UTC, null for none (naive). */
  private record Moment(int year, int month, int day, int hour, int minute, int second, int micro, Integer offset) {
    Object date() {
      if (hour != 0 || minute != 0 || second != 0 || micro != 0) {
        return Refusal.of("date_from_datetime_inexact", null);
      }
      return DateSyntax.date(year, month, day);
    }

    /** As {@code type}: a {@code LocalDateTime} must be naive (pydantic's NaiveDatetime), the others aware. */
    Object as(Class<?> type) {
      if (type == LocalDateTime.class ? offset != null : offset == null) {
        return Refusal.of(offset != null ? "timezone_naive" : "timezone_aware", null);
      }
      if (year == 0) {
        return Refusal.of("datetime_parsing", "year 0 is out of range");
      }
      LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second, micro * 1000);
      if (type == LocalDateTime.class) {
        return local;
      }
      if (type == Instant.class) { // an Instant keeps no offset, so any speedate takes (below 24 hours) reads
        return local.toInstant(ZoneOffset.UTC).minusSeconds(offset);
      }
      if (Math.abs(offset) > MAX_OFFSET) {
        return Refusal.of("datetime_parsing", OFFSET_PAST_JAVA);
      }
      return local.atOffset(ZoneOffset.ofTotalSeconds(offset));
    }
  }

  private DateSyntax() {}

  /** The {@link LocalDate} {@code text} names, or the {@link Refusal} pydantic reports. */
  static Object date(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    if (b.length == 10) {
      try {
        int[] ymd = ymd(b);
        return date(ymd[0], ymd[1], ymd[2]);
      } catch (Refused e) {
        // read again as a datetime, which reports its own reason
      }
    }
    try {
      return datetime(b).date();
    } catch (Refused e) {
      return Refusal.of("date_from_datetime_parsing", e.getMessage());
    }
  }

  /** The date of a unix timestamp sent as a JSON number, or the {@link Refusal}. */
  static Object date(long timestamp) {
    try {
      return fromTimestamp(timestamp, 0).date();
    } catch (Refused e) {
      return Refusal.of("date_from_datetime_parsing", e.getMessage());
    }
  }

  /** {@link #date(long)} for a number with a fraction (or past 64 bits). */
  static Object date(double timestamp) {
    try {
      return fromTimestamp(timestamp).date();
    } catch (Refused e) {
      return Refusal.of("date_from_datetime_parsing", e.getMessage());
    }
  }

  /**
   * The {@code LocalDateTime}, {@code OffsetDateTime} or {@code Instant} ({@code type}) {@code text} names,
   * or the {@link Refusal}: text that is no datetime is read as a date, whose reason is reported.
   */
  static Object datetime(String text, Class<?> type) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    try {
      return datetime(b).as(type);
    } catch (Refused e) {
      // pydantic then reads a date, midnight and naive, and reports the date's reason
    }
    try {
      int[] ymd = ymd(b);
      if (b.length > 10) {
        throw new Refused("unexpected extra characters at the end of the input");
      }
      return new Moment(ymd[0], ymd[1], ymd[2], 0, 0, 0, 0, null).as(type);
    } catch (Refused e) {
      Long whole = integer(b);
      String reason = e.getMessage();
      if (whole != null) { // a timestamp the datetime refused: the date refuses it for the same reason
        try {
          fromTimestamp(whole, 0);
        } catch (Refused t) {
          reason = t.getMessage();
        }
      }
      return Refusal.of("datetime_from_date_parsing", reason);
    }
  }

  /** A unix timestamp sent as a JSON number as {@code type}, or the {@link Refusal}. */
  static Object datetime(long timestamp, Class<?> type) {
    try {
      return fromTimestamp(timestamp, 0).as(type);
    } catch (Refused e) {
      return Refusal.of("datetime_parsing", e.getMessage());
    }
  }

  /** {@link #datetime(long, Class)} for a number with a fraction (or past 64 bits). */
  static Object datetime(double timestamp, Class<?> type) {
    try {
      return fromTimestamp(timestamp).as(type);
    } catch (Refused e) {
      return Refusal.of("datetime_parsing", e.getMessage());
    }
  }

  /**
   * The {@code LocalTime} or {@code OffsetTime} ({@code type}) {@code text} names, or the {@link Refusal}:
   * a {@code LocalTime} takes no offset ({@code timezone_naive}), an {@code OffsetTime} needs one.
   */
  static Object time(String text, Class<?> type) {
    try {
      return time(time(text.getBytes(StandardCharsets.UTF_8), 0), type);
    } catch (Refused e) {
      return Refusal.of("time_parsing", e.getMessage());
    }
  }

  /** Seconds since midnight sent as a JSON number (UTC, as pydantic reads them) as {@code type}, or the {@link Refusal}. */
  static Object time(double seconds, Class<?> type) {
    if (Double.isNaN(seconds)) {
      return Refusal.of("time_parsing", "NaN values not permitted");
    }
    if (seconds < 0) {
      return Refusal.of("time_parsing", "time in seconds should be positive");
    }
    double whole = Math.floor(seconds);
    long micro = Math.round((seconds - whole) * 1_000_000);
    long total = (long) Math.min(whole, 0xFFFF_FFFFL) + micro / 1_000_000; // a u32 in speedate
    if (total >= 86_400) {
      return Refusal.of("time_parsing", "numeric times may not exceed 86,399 seconds");
    }
    int s = (int) total;
    return time(new int[] {s / 3600, s / 60 % 60, s % 60, (int) (micro % 1_000_000), 1, 0}, type);
  }

  private static Object time(int[] t, Class<?> type) {
    boolean aware = t[4] == 1;
    if (type == LocalTime.class ? aware : !aware) {
      return Refusal.of(aware ? "timezone_naive" : "timezone_aware", null);
    }
    LocalTime local = LocalTime.of(t[0], t[1], t[2], t[3] * 1000);
    if (type == LocalTime.class) {
      return local;
    }
    if (Math.abs(t[5]) > MAX_OFFSET) {
      return Refusal.of("time_parsing", OFFSET_PAST_JAVA);
    }
    return OffsetTime.of(local, ZoneOffset.ofTotalSeconds(t[5]));
  }

  private static Object date(int year, int month, int day) {
    if (year == 0) { // speedate reads year 0, Python's date refuses it
      return Refusal.of("date_parsing", "year 0 is out of range");
    }
    return LocalDate.of(year, month, day);
  }

  private static Moment datetime(byte[] b) throws Refused {
    try {
      int[] ymd = ymd(b);
      byte sep = b.length > 10 ? b[10] : 0;
      if (sep != 'T' && sep != 't' && sep != ' ' && sep != '_') {
        throw new Refused("invalid datetime separator, expected `T`, `t`, `_` or space");
      }
      int[] time = time(b, 11);
      return new Moment(ymd[0], ymd[1], ymd[2], time[0], time[1], time[2], time[3], time[4] == 1 ? time[5] : null);
    } catch (Refused e) {
      String s = new String(b, StandardCharsets.US_ASCII);
      Long whole = integer(b);
      if (whole != null) {
        return fromTimestamp(whole, 0);
      }
      if (DECIMAL.matcher(s).matches() && integralPartFits(s) && s.matches(".*[0-9].*")) {
        return fromTimestamp(Double.parseDouble(s));
      }
      throw e;
    }
  }

  private static Moment fromTimestamp(double timestamp) throws Refused {
    if (Double.isNaN(timestamp)) {
      throw new Refused("NaN values not permitted");
    }
    double seconds = Math.abs(timestamp) > MS_WATERSHED ? timestamp / 1000 : timestamp;
    long whole = (long) Math.floor(seconds); // saturates, as Rust's cast does
    long micro = Math.max(0, Math.min(0xFFFF_FFFFL, Math.round((seconds - whole) * 1_000_000))); // a u32 in speedate
    return fromTimestamp(whole, micro);
  }

  private static Moment fromTimestamp(long timestamp, long micro) throws Refused {
    long seconds = timestamp;
    if (timestamp == Long.MIN_VALUE) {
      throw new Refused("dates before 0000 are not supported as unix timestamps");
    }
    if (Math.abs(timestamp) > MS_WATERSHED) {
      seconds = Math.floorDiv(timestamp, 1000);
      micro += Math.floorMod(timestamp, 1000) * 1000L;
    }
    seconds += micro / 1_000_000;
    micro %= 1_000_000;
    if (seconds < UNIX_0000) {
      throw new Refused("dates before 0000 are not supported as unix timestamps");
    }
    if (seconds > UNIX_9999) {
      throw new Refused("dates after 9999 are not supported as unix timestamps");
    }
    LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
    return new Moment(t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(),
        t.getSecond(), (int) micro, 0); // a timestamp is UTC
  }

  /** speedate's integer: an optional sign and ASCII digits, within 64 bits; else null. */
  private static Long integer(byte[] b) {
    int i = b.length > 0 && (b[0] == '-' || b[0] == '+') ? 1 : 0;
    if (i == b.length) {
      return null;
    }
    long v = 0;
    for (int j = i; j < b.length; j++) {
      if (b[j] < '0' || b[j] > '9') {
        return null;
      }
      v = v * 10 + (b[j] - '0');
      if (v < 0) {
        return null;
      }
    }
    return b[0] == '-' ? -v : v;
  }

  /** speedate reads a float only when its digits before the '.' fit an integer. */
  private static boolean integralPartFits(String s) {
    String head = s.substring(0, s.indexOf('.'));
    String digits = head.startsWith("-") || head.startsWith("+") ? head.substring(1) : head;
    return digits.isEmpty() || integer(digits.getBytes(StandardCharsets.US_ASCII)) != null;
  }

  /** Year, month and day of the first ten bytes. */
  private static int[] ymd(byte[] b) throws Refused {
    if (b.length < 10) {
      throw new Refused("input is too short");
    }
    int year = digit(b, 0, "year") * 1000 + digit(b, 1, "year") * 100 + digit(b, 2, "year") * 10 + digit(b, 3, "year");
    if (b[4] != '-') {
      throw new Refused("invalid date separator, expected `-`");
    }
    int month = digit(b, 5, "month") * 10 + digit(b, 6, "month");
    if (b[7] != '-') {
      throw new Refused("invalid date separator, expected `-`");
    }
    int day = digit(b, 8, "day") * 10 + digit(b, 9, "day");
    int days = switch (month) {
      case 1, 3, 5, 7, 8, 10, 12 -> 31;
      case 4, 6, 9, 11 -> 30;
      case 2 -> year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
      default -> throw new Refused("month value is outside expected range of 1-12");
    };
    if (day < 1 || day > days) {
      throw new Refused("day value is outside expected range");
    }
    return new int[] {year, month, day};
  }

  /** Hour, minute, second and microsecond from {@code at}, then an offset, then nothing. */
  private static int[] time(byte[] b, int at) throws Refused {
    int[] clock = clock(b, at);
    int p = clock[4];
    int[] out = {clock[0], clock[1], clock[2], clock[3], 0, 0};
    if (p < b.length) {
      p = offset(b, p, out);
    }
    if (p < b.length) {
      throw new Refused("unexpected extra characters at the end of the input");
    }
    return out;
  }

  /** Hour, minute, second, microsecond and the position after them, read from {@code at}: {@code HH:MM[:SS[.f]]}. */
  static int[] clock(byte[] b, int at) throws Refused {
    if (b.length - at < 5) {
      throw new Refused("input is too short");
    }
    int hour = digit(b, at, "hour") * 10 + digit(b, at + 1, "hour");
    if (b[at + 2] != ':') {
      throw new Refused("invalid time separator, expected `:`");
    }
    int minute = digit(b, at + 3, "minute") * 10 + digit(b, at + 4, "minute");
    if (hour > 23) {
      throw new Refused("hour value is outside expected range of 0-23");
    }
    if (minute > 59) {
      throw new Refused("minute value is outside expected range of 0-59");
    }
    int p = at + 5;
    int second = 0;
    int micro = 0;
    if (p < b.length && b[p] == ':') {
      second = digit(b, p + 1, "second") * 10 + digit(b, p + 2, "second");
      if (second > 59) {
        throw new Refused("second value is outside expected range of 0-59");
      }
      p += 3;
      if (p < b.length && (b[p] == '.' || b[p] == ',')) {
        p++;
        int n = 0;
        while (p + n < b.length && b[p + n] >= '0' && b[p + n] <= '9') {
          if (n < 6) {
            micro = micro * 10 + (b[p + n] - '0'); // past six digits the rest is dropped
          }
          n++;
        }
        if (n == 0) {
          throw new Refused("second fraction digits missing after `.`");
        }
        for (int k = n; k < 6; k++) {
          micro *= 10;
        }
        p += n;
      }
    }
    return new int[] {hour, minute, second, micro, p};
  }

  /**
   * Reads {@code Z} or {@code ±HH:MM} / {@code ±HHMM} (a U+2212 minus too) at {@code p} into
   * {@code time[4]} (1: present) and {@code time[5]} (seconds); returns where it ends.
   */
  private static int offset(byte[] b, int p, int[] time) throws Refused {
    byte c = b[p++];
    time[4] = 1;
    if (c == 'Z' || c == 'z') {
      return p;
    }
    int sign = c == '+' ? 1 : -1;
    if (c == (byte) 0xE2) { // U+2212 MINUS SIGN, which ISO 8601 allows
      if (p + 1 >= b.length || b[p] != (byte) 0x88 || b[p + 1] != (byte) 0x92) {
        throw new Refused("invalid timezone sign");
      }
      p += 2;
    } else if (c != '+' && c != '-') {
      throw new Refused("invalid timezone sign");
    }
    int h = tzDigit(b, p, "hour") * 10 + tzDigit(b, p + 1, "hour");
    int m1;
    if (p + 2 < b.length && b[p + 2] == ':') {
      p += 3;
      m1 = tzDigit(b, p, "minute");
    } else if (p + 2 < b.length && b[p + 2] >= '0' && b[p + 2] <= '9') {
      p += 2;
      m1 = b[p] - '0';
    } else {
      throw new Refused("invalid timezone minute");
    }
    int minutes = m1 * 10 + tzDigit(b, p + 1, "minute");
    if (minutes >= 60) {
      throw new Refused("timezone minute value is outside expected range of 0-59");
    }
    if (h * 60 + minutes >= 24 * 60) {
      throw new Refused("timezone offset must be less than 24 hours");
    }
    time[5] = sign * (h * 3600 + minutes * 60);
    return p + 2;
  }

  private static int digit(byte[] b, int i, String part) throws Refused {
    if (i >= b.length || b[i] < '0' || b[i] > '9') {
      throw new Refused("invalid character in " + part);
    }
    return b[i] - '0';
  }

  private static int tzDigit(byte[] b, int i, String part) throws Refused {
    if (i >= b.length || b[i] < '0' || b[i] > '9') {
      throw new Refused("invalid timezone " + part);
    }
    return b[i] - '0';
  }
}

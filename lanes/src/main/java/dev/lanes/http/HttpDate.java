package dev.lanes.http;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP dates (RFC 9110 section 5.6.7): written as IMF-fixdate, {@code Sun, 06 Nov 1994 08:49:37 GMT}
 * (a two-digit day: Java's {@code RFC_1123_DATE_TIME} writes {@code 6 Nov}), read in any of the
 * three forms a recipient must accept: IMF-fixdate, RFC 850 ({@code Sunday, 06-Nov-94 08:49:37 GMT},
 * a two-digit year more than 50 years ahead taken as the last century's) and asctime
 * ({@code Sun Nov  6 08:49:37 1994}).
 *
 * <pre>{@code response.withHeader("Last-Modified", HttpDate.format(modified)); }</pre>
 */
public final class HttpDate {
  // Strict: a day or time that does not exist (30 February, 24:00) is no date, where the default
  // resolution reads it as another. Strict wants the proleptic year, "uuuu".
  private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern("EEE, dd MMM uuuu HH:mm:ss 'GMT'", Locale.US)
      .withZone(ZoneOffset.UTC).withResolverStyle(ResolverStyle.STRICT);
  private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss uuuu", Locale.US)
      .withZone(ZoneOffset.UTC).withResolverStyle(ResolverStyle.STRICT);

  /** The range a four-digit year carries; past it the formatter writes {@code +10000}, a year-of-era, or throws. */
  static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");
  static final Instant LAST = Instant.parse("9999-12-31T23:59:59Z");

  private HttpDate() {}

  /**
   * {@code instant} as IMF-fixdate, to the second; an instant before year 1 or after year 9999
   * (a file's modification time can be anything) as the first or last date the format can carry.
   */
  public static String format(Instant instant) {
    Instant in = instant.isBefore(FIRST) ? FIRST : instant.isAfter(LAST) ? LAST : instant;
    return IMF_FIXDATE.format(in);
  }

  /**
   * The instant {@code value} names in any of the three forms; empty if it is none of them, or
   * names a day or time that does not exist (30 February, 24:00, a weekday that is not the date's).
   */
  public static Optional<Instant> parse(String value) {
    String v = value.strip();
    for (DateTimeFormatter form : new DateTimeFormatter[] {IMF_FIXDATE, rfc850(), ASCTIME}) {
      try {
        return Optional.of(Instant.from(form.parse(v)));
      } catch (DateTimeException notThisForm) {
        // the next form
      }
    }
    return Optional.empty();
  }

  /** RFC 850 with its two-digit year read within 50 years ahead of this year, as the RFC asks. */
  private static DateTimeFormatter rfc850() {
    LocalDate base = LocalDate.now(ZoneOffset.UTC).minusYears(49);
    return new DateTimeFormatterBuilder()
        .appendPattern("EEEE, dd-MMM-")
        .appendValueReduced(ChronoField.YEAR, 2, 2, base)
        .appendPattern(" HH:mm:ss 'GMT'")
        .toFormatter(Locale.US).withZone(ZoneOffset.UTC).withResolverStyle(ResolverStyle.STRICT);
  }
}

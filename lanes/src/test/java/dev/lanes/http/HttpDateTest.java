package dev.lanes.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class HttpDateTest {

  @Test
  void writesImfFixdateWithATwoDigitDay() {
    assertThat(HttpDate.format(Instant.parse("2021-03-05T06:07:08Z"))).isEqualTo("Fri, 05 Mar 2021 06:07:08 GMT");
    assertThat(HttpDate.format(Instant.parse("1994-11-06T08:49:37.900Z"))).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
  }

  @Test
  void anInstantPastWhatAFourDigitYearCarriesIsWrittenAsTheNearestDateItCan() {
    // a file's mtime can be anything: FileTime gives Instant.MAX/MIN past its range
    assertThat(HttpDate.format(Instant.MAX)).isEqualTo("Fri, 31 Dec 9999 23:59:59 GMT");
    assertThat(HttpDate.format(Instant.parse("+10000-01-01T00:00:00Z"))).isEqualTo("Fri, 31 Dec 9999 23:59:59 GMT");
    assertThat(HttpDate.format(Instant.MIN)).isEqualTo("Mon, 01 Jan 0001 00:00:00 GMT");
    assertThat(HttpDate.format(Instant.parse("-0001-06-01T00:00:00Z"))).as("not year-of-era 0002")
        .isEqualTo("Mon, 01 Jan 0001 00:00:00 GMT");
  }

  @Test
  void readsTheThreeFormsARecipientMustAccept() {
    Instant expected = Instant.parse("1994-11-06T08:49:37Z");
    assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT")).contains(expected);
    assertThat(HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT")).contains(expected);
    assertThat(HttpDate.parse("Sun Nov  6 08:49:37 1994")).contains(expected);
    assertThat(HttpDate.parse(" Sun, 06 Nov 1994 08:49:37 GMT ")).contains(expected);
  }

  @Test
  void readsARfc850YearMoreThanFiftyYearsAheadAsThePastCenturys() {
    int year = LocalDate.now(ZoneOffset.UTC).getYear();
    assertThat(rfc850Year(year + 60 - 100)).as("60 years ahead: the last century's").isEqualTo(year + 60 - 100);
    assertThat(rfc850Year(year + 10)).as("10 years ahead: this century's").isEqualTo(year + 10);
  }

  /** The year read back from 1 January of {@code year} written as RFC 850 (two-digit year). */
  private static int rfc850Year(int year) {
    String weekday = LocalDate.of(year, 1, 1).getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.US);
    String text = String.format("%s, 01-Jan-%02d 00:00:00 GMT", weekday, year % 100);
    return HttpDate.parse(text).orElseThrow(() -> new AssertionError(text)).atZone(ZoneOffset.UTC).getYear();
  }

  @Test
  void refusesWhatIsNoHttpDate() {
    assertThat(HttpDate.parse("yesterday")).isEmpty();
    assertThat(HttpDate.parse("2021-03-05T06:07:08Z")).isEmpty();
    assertThat(HttpDate.parse("")).isEmpty();
  }

  /**
   * RFC 9110 5.6.7: a date that does not exist is no HTTP-date, and a condition holding one is
   * ignored (13.1.3); read leniently, 30 February was 28 February and 24:00 the next day.
   */
  @Test
  void refusesADayOrTimeThatDoesNotExist() {
    assertThat(HttpDate.parse("Sun, 30 Feb 2021 00:00:00 GMT")).isEmpty();
    assertThat(HttpDate.parse("Sunday, 30-Feb-21 00:00:00 GMT")).isEmpty();
    assertThat(HttpDate.parse("Sun Feb 30 00:00:00 2021")).isEmpty();
    assertThat(HttpDate.parse("Fri, 05 Mar 2021 24:00:00 GMT")).isEmpty();
    assertThat(HttpDate.parse("Sat, 05 Mar 2021 06:07:08 GMT")).as("5 March 2021 was a Friday").isEmpty();
    assertThat(HttpDate.parse("Sun, 28 Feb 2021 23:59:59 GMT")).contains(Instant.parse("2021-02-28T23:59:59Z"));
    assertThat(HttpDate.parse("Mon, 29 Feb 2016 00:00:00 GMT")).as("a leap day").contains(Instant.parse("2016-02-29T00:00:00Z"));
  }
}

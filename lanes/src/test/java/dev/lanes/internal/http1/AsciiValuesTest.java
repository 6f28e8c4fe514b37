package dev.lanes.internal.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

class AsciiValuesTest {
  @Test
  void aRecurringValueIsOneAsciiStringWithTheSameText() {
    AsciiValues values = new AsciiValues(4);
    CharSequence first = values.of("text/plain; charset=utf-8");
    assertInstanceOf(AsciiString.class, first);
    assertEquals("text/plain; charset=utf-8", first.toString());
    assertSame(first, values.of(new String("text/plain; charset=utf-8")));
  }

  @Test
  void pastTheBoundValuesStayStrings() {
    AsciiValues values = new AsciiValues(4);
    for (int i = 0; i < 4; i++) {
      assertInstanceOf(AsciiString.class, values.of("multipart/mixed; boundary=b" + i));
    }
    CharSequence late = values.of("multipart/mixed; boundary=late");
    assertInstanceOf(String.class, late);
    assertEquals("multipart/mixed; boundary=late", late);
  }

  @Test
  void lengthsAreTheirDecimalText() {
    assertEquals("0", AsciiValues.length(0).toString());
    assertEquals("13", AsciiValues.length(13).toString());
    assertSame(AsciiValues.length(4095), AsciiValues.length(4095));
    assertEquals("4096", AsciiValues.length(4096).toString());
    assertEquals("10000000000", AsciiValues.length(10_000_000_000L).toString());
  }
}

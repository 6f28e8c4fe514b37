package dev.lanes.internal.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.http.Headers;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Http1RequestHeadersTest {
  private static HttpHeaders decoded() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.add(HttpHeaderNames.HOST, "example.com");
    h.add("X-Trace", "a");
    h.add(HttpHeaderNames.ACCEPT, "text/html");
    h.add("x-trace", "b");
    return h;
  }

  @Test
  void namesAreMatchedWhateverTheirCase() {
    Headers h = Http1RequestHeaders.of(decoded());
    assertEquals(Optional.of("example.com"), h.first("Host"));
    assertEquals(Optional.of("text/html"), h.first("ACCEPT"));
    assertTrue(h.contains("x-TRACE"));
  }

  @Test
  void everyValueOfANameComesInTheOrderSent() {
    Headers h = Http1RequestHeaders.of(decoded());
    assertEquals(Optional.of("a"), h.first("x-trace"));
    assertEquals(List.of("a", "b"), h.all("X-Trace"));
  }

  @Test
  void anAbsentNameHasNoValue() {
    Headers h = Http1RequestHeaders.of(decoded());
    assertEquals(Optional.empty(), h.first("cookie"));
    assertEquals(List.of(), h.all("cookie"));
    assertFalse(h.contains("cookie"));
    assertFalse(h.contains("x-trac"));
  }

  @Test
  void namesAreListedOnceLowerCased() {
    assertEquals(Set.of("host", "x-trace", "accept"), Http1RequestHeaders.of(decoded()).names());
  }

  @Test
  void laterChangesToNettysHeadersDoNotReachTheRequest() {
    HttpHeaders netty = decoded();
    Headers h = Http1RequestHeaders.of(netty);
    netty.set(HttpHeaderNames.HOST, "other.example");
    assertEquals(Optional.of("example.com"), h.first("host"));
  }

  @Test
  void noFieldsIsEmpty() {
    Headers h = Http1RequestHeaders.of(new DefaultHttpHeaders());
    assertEquals(Set.of(), h.names());
    assertFalse(h.contains("host"));
  }
}

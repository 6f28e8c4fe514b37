package dev.lanes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SetCookieTest {
  @Test
  void attributesAreWrittenAsRfc6265SaysWithStarlettesDefaults() {
    assertThat(SetCookie.of("theme", "dark").headerValue()).isEqualTo("theme=dark; Path=/; SameSite=Lax");
    assertThat(SetCookie.of("id", "\"abc\"").maxAge(Duration.ofDays(1)).expires(Instant.parse("2030-01-02T03:04:05Z"))
        .domain("example.com").path("/app").secure(true).httpOnly(true).sameSite(SetCookie.SameSite.STRICT).headerValue())
        .isEqualTo("id=\"abc\"; Max-Age=86400; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Domain=example.com; Path=/app; "
            + "Secure; HttpOnly; SameSite=Strict");
    assertThat(SetCookie.delete("theme").headerValue())
        .isEqualTo("theme=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; SameSite=Lax");
    assertThat(SetCookie.of("a", "b").path(null).sameSite(null).headerValue()).isEqualTo("a=b");
  }

  @Test
  void anExpiresNoCookieDateCarriesIsWrittenAsOneBrowsersStillRead() {
    // RFC 6265 5.1.1: a year past four digits or before 1601 fails to parse, and the browser then
    // ignores Expires: "forever" and "long ago" would both become a cookie kept until the browser closes
    assertThat(SetCookie.of("a", "b").expires(Instant.MAX).headerValue())
        .isEqualTo("a=b; Expires=Fri, 31 Dec 9999 23:59:59 GMT; Path=/; SameSite=Lax");
    assertThat(SetCookie.of("a", "b").expires(Instant.parse("+12026-01-01T00:00:00Z")).headerValue())
        .contains("; Expires=Fri, 31 Dec 9999 23:59:59 GMT;");
    assertThat(SetCookie.of("a", "b").expires(Instant.MIN).headerValue())
        .contains("; Expires=Thu, 01 Jan 1970 00:00:00 GMT;");
    assertThat(SetCookie.of("a", "b").expires(Instant.parse("1500-01-01T00:00:00Z")).headerValue())
        .contains("; Expires=Thu, 01 Jan 1970 00:00:00 GMT;");
  }

  @Test
  void whatACookieCannotCarryIsRefusedNamingIt() {
    assertThatThrownBy(() -> SetCookie.of("a b", "v")).hasMessageContaining("'a b'").hasMessageContaining("U+0020");
    assertThatThrownBy(() -> SetCookie.of("", "v")).hasMessageContaining("empty");
    assertThatThrownBy(() -> SetCookie.of("n", "one;two")).hasMessageContaining("';'").hasMessageContaining("Base64url");
    assertThatThrownBy(() -> SetCookie.of("n", "caf\u00e9")).hasMessageContaining("U+00E9");
    assertThatThrownBy(() -> SetCookie.of("n", "a,b")).hasMessageContaining("','");
    assertThatThrownBy(() -> SetCookie.of("n", "v").path("/a;Secure")).hasMessageContaining("Path");
    assertThatThrownBy(() -> SetCookie.of("n", "v").domain("x\r\nSet-Cookie: y")).hasMessageContaining("Domain");
    assertThatThrownBy(() -> SetCookie.of("n", "v").maxAge(Duration.ofSeconds(-1))).hasMessageContaining("negative");
    assertThatThrownBy(() -> SetCookie.of("n", "v").sameSite(SetCookie.SameSite.NONE).headerValue())
        .hasMessageContaining("secure");
    assertThat(SetCookie.of("n", "v").sameSite(SetCookie.SameSite.NONE).toString())
        .as("a log line or an assertion message describing it does not fail").isEqualTo("SetCookie[n=v; Path=/; SameSite=None]");
  }

  /** RFC 6265bis 4.1.3: browsers drop a prefixed cookie set without what its prefix promises. */
  @Test
  void aPrefixedCookieWithoutWhatItsPrefixNeedsIsRefusedAsBrowsersDropIt() {
    assertThatThrownBy(() -> SetCookie.of("__Secure-id", "v").headerValue()).hasMessageContaining("__Secure-")
        .hasMessageContaining("secure(true)");
    assertThatThrownBy(() -> SetCookie.of("__Host-id", "v").headerValue()).hasMessageContaining("__Host-");
    assertThatThrownBy(() -> SetCookie.of("__Host-id", "v").secure(true).domain("example.com").headerValue())
        .hasMessageContaining("Domain");
    assertThatThrownBy(() -> SetCookie.of("__Host-id", "v").secure(true).path("/app").headerValue())
        .hasMessageContaining("Path=/");
    assertThatThrownBy(() -> SetCookie.of("__host-id", "v").headerValue()).as("matched ignoring case, as browsers do")
        .hasMessageContaining("__Host-");
    assertThatThrownBy(() -> SetCookie.delete("__Host-id").headerValue()).as("nor would the browser delete it");
    assertThat(SetCookie.of("__Host-id", "v").secure(true).headerValue()).isEqualTo("__Host-id=v; Path=/; Secure; SameSite=Lax");
    assertThat(SetCookie.of("__Secure-id", "v").secure(true).domain("example.com").path("/app").headerValue())
        .isEqualTo("__Secure-id=v; Domain=example.com; Path=/app; Secure; SameSite=Lax");
  }

  /** CHIPS: browsers keep a {@code Partitioned} cookie per top-level site, and drop one without {@code Secure}. */
  @Test
  void aPartitionedCookieIsWrittenLastAndRefusedWithoutSecure() {
    assertThat(SetCookie.of("__Host-id", "v").secure(true).sameSite(SetCookie.SameSite.NONE).partitioned(true)
        .headerValue()).isEqualTo("__Host-id=v; Path=/; Secure; SameSite=None; Partitioned");
    assertThat(SetCookie.of("a", "b").secure(true).partitioned(true).partitioned(false).headerValue())
        .isEqualTo("a=b; Path=/; Secure; SameSite=Lax");
    assertThatThrownBy(() -> SetCookie.of("a", "b").partitioned(true).headerValue())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Partitioned").hasMessageContaining("secure(true)");
    // a browser deletes a partitioned cookie only when the deletion is partitioned too (it names the partition)
    assertThat(SetCookie.delete("a").secure(true).partitioned(true).headerValue())
        .isEqualTo("a=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Secure; SameSite=Lax; Partitioned");
    assertThat(SetCookie.of("a", "b").secure(true).partitioned(true).maxAge(Duration.ofSeconds(5)).path("/x")
        .domain("example.com").httpOnly(true).expires(Instant.EPOCH).sameSite(null).headerValue())
        .as("every other attribute keeps it").endsWith("; Secure; HttpOnly; Partitioned");
  }

  @Test
  void aResponseCarriesEveryCookieAndARequestReadsThemAsStarletteDoes() {
    Response r = Response.text("ok").withCookie(SetCookie.of("a", "1")).withCookie(SetCookie.of("b", "2"));
    assertThat(r.headers().stream().filter(e -> e.getKey().equals("Set-Cookie")).map(Map.Entry::getValue))
        .containsExactly("a=1; Path=/; SameSite=Lax", "b=2; Path=/; SameSite=Lax");
    Request req = Request.builder("GET", "/").headers(Headers.of("cookie", "a=1; b=\"x\\073y\"", "Cookie", "a=3"))
        .build();
    assertThat(req.cookies()).containsExactly(Map.entry("a", "3"), Map.entry("b", "x;y"));
    assertThat(Request.builder("GET", "/").build().cookies()).isEmpty();
  }

  /** Starlette's cookie_parser: a chunk without '=' is a cookie with the empty name (as browsers send one), so is '=v'. */
  @Test
  void aNamelessCookieIsKeptUnderTheEmptyNameAsStarlettesCookieParserDoes() {
    // Starlette 1.7: {'': 'abc', 'a': '1'}; {'a': '1', '': 'y'}; {'b': '2'}
    assertThat(cookies("=abc; a=1")).containsExactly(Map.entry("", "abc"), Map.entry("a", "1"));
    assertThat(cookies("abc; a=1")).containsExactly(Map.entry("", "abc"), Map.entry("a", "1"));
    assertThat(cookies("a=1; =x; =y")).containsExactly(Map.entry("a", "1"), Map.entry("", "y"));
    assertThat(cookies(" = ; b=2;;  ")).containsExactly(Map.entry("b", "2"));
    assertThat(cookies("a=1; \"x\\073\"")).containsExactly(Map.entry("a", "1"), Map.entry("", "x;"));
    Request req = Request.builder("GET", "/").headers(Headers.of("cookie", "abc; session=s")).build();
    assertThat(dev.lanes.internal.http.CookieValues.of(req.headers().all("cookie"), "session")).containsExactly("s");
  }

  private static Map<String, String> cookies(String header) {
    return Request.builder("GET", "/").headers(Headers.of("cookie", header)).build().cookies();
  }

  @Test
  void requestStateIsSharedByTheCopiesMiddlewareMakes() {
    Request req = Request.builder("GET", "/").build();
    Request copy = req.withScheme("https");
    req.state().put(String.class, "alice");
    assertThat(copy.state().get(String.class)).isEqualTo("alice");
    assertThat(copy.state().find(Integer.class)).isEmpty();
    assertThatThrownBy(() -> copy.state().get(Integer.class)).hasMessageContaining("Integer").hasMessageContaining("String");
  }
}

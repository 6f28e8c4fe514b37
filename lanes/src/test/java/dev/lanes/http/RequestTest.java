package dev.lanes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RequestTest {

  record Item(String name, int qty) {}
  record Order(String itemName) {}

  private static Request withBody(String contentType, byte[] body) {
    return Request.builder("POST", "/x").headers(Headers.of("Content-Type", contentType)).body(body).build();
  }

  private static HttpException fails400(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    HttpException e = catchThrowableOfType(HttpException.class, call);
    assertThat(e).as("expected an HttpException").isNotNull();
    assertThat(e.status()).isEqualTo(400);
    return e;
  }

  @Test
  void targetSplitsIntoPathAndQuery() {
    Request r = Request.builder("GET", "/search?q=a").build();
    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.path()).isEqualTo("/search");
    assertThat(r.rawQuery()).isEqualTo("q=a");
    assertThat(r).hasToString("GET /search?q=a");
    Request noQuery = Request.builder("GET", "/plain").build();
    assertThat(noQuery.rawQuery()).isEmpty();
    assertThat(noQuery.query().names()).isEmpty();
  }

  @Test
  void queryParsing() {
    Request r = Request.builder("GET", "/s?a=1&b=x%20y&a=2&c=one+two&flag&&e=&%C3%A9=%E2%82%AC&k=v=w").build();
    Params q = r.query();
    assertThat(q.all("a")).containsExactly("1", "2");
    assertThat(q.get("b")).isEqualTo("x y");
    assertThat(q.get("c")).isEqualTo("one two");
    assertThat(q.get("flag")).isEmpty();
    assertThat(q.get("e")).isEmpty();
    assertThat(q.get("é")).isEqualTo("€");
    assertThat(q.get("k")).isEqualTo("v=w");
    assertThat(q.getInt("a")).isEqualTo(1);
    assertThat(fails400(() -> q.getInt("b")).getMessage()).startsWith("query parameter 'b'");
  }

  /** As Starlette and WHATWG's parser: a '%' that starts no escape is kept as sent, not a 400. */
  @Test
  void aPercentThatStartsNoEscapeIsKeptAsSent() {
    Params q = Request.builder("GET", "/s?a=%zz&b=50%&c=%2&d=%e2%82%ac&e=%ff").build().query();
    assertThat(q.get("a")).isEqualTo("%zz");
    assertThat(q.get("b")).isEqualTo("50%");
    assertThat(q.get("c")).isEqualTo("%2");
    assertThat(q.get("d")).isEqualTo("\u20ac");
    assertThat(q.get("e")).isEqualTo("\ufffd");
  }

  @Test
  void textUsesTheContentTypeCharsetElseUtf8() {
    byte[] latin1 = "café".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(withBody("text/plain; charset=ISO-8859-1", latin1).text()).isEqualTo("café");
    assertThat(withBody("text/plain; charset=\"iso-8859-1\"", latin1).text()).isEqualTo("café");
    byte[] utf8 = "café".getBytes(StandardCharsets.UTF_8);
    assertThat(withBody("text/plain", utf8).text()).isEqualTo("café");
    assertThat(Request.builder("POST", "/x").body(utf8).build().text()).isEqualTo("café");
  }

  @Test
  void unknownCharsetIs415() {
    HttpException e = catchThrowableOfType(HttpException.class,
        () -> withBody("text/plain; charset=klingon", new byte[] {65}).text());
    assertThat(e.status()).isEqualTo(415);
  }

  @Test
  void bodyBytesAsSent() {
    byte[] data = {0, 1, (byte) 0xff};
    assertThat(withBody("application/octet-stream", data).body()).containsExactly(0, 1, 0xff);
    assertThat(Request.builder("GET", "/").build().body()).isEmpty();
  }

  @Test
  void jsonIntoARecordAndATree() {
    Request r = withBody("application/json", "{\"name\":\"bolt\",\"qty\":3}".getBytes(StandardCharsets.UTF_8));
    assertThat(r.json(Item.class)).isEqualTo(new Item("bolt", 3));
    JsonNode tree = r.json();
    assertThat(tree.get("qty").asInt()).isEqualTo(3);
  }

  @Test
  void jsonReadsWithTheCodecItWasBuiltWith() {
    JsonCodec snake = JsonCodec.of(new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    Request r = Request.builder("POST", "/x").json(snake)
        .body("{\"item_name\":\"bolt\"}".getBytes(StandardCharsets.UTF_8)).build();
    assertThat(r.json(Order.class)).isEqualTo(new Order("bolt"));
  }

  @Test
  void badJsonIs400WithAMessageThatLeaksNoClassNames() {
    for (String body : List.of("{not json", "{\"name\":\"bolt\",\"qty\":\"many\"}",
        "{\"name\":\"bolt\",\"qty\":1,\"extra\":true}", "{\"name\":\"a\",\"qty\":1} trailing", "[1,2]")) {
      Request r = withBody("application/json", body.getBytes(StandardCharsets.UTF_8));
      HttpException e = fails400(() -> r.json(Item.class));
      assertThat(e.getMessage()).as(body).startsWith("invalid JSON body").doesNotContain("dev.lanes")
          .doesNotContain("java.lang");
    }
    assertThat(fails400(() -> withBody("application/json", "{".getBytes(StandardCharsets.UTF_8)).json())
        .getMessage()).startsWith("invalid JSON body");
  }

  @Test
  void emptyJsonBodyIs400() {
    assertThat(fails400(() -> Request.builder("POST", "/x").build().json(Item.class)).getMessage())
        .contains("empty");
  }

  @Test
  void headersAreCaseInsensitive() {
    Request r = Request.builder("GET", "/").headers(Headers.of("X-Token", "a", "x-token", "b")).build();
    assertThat(r.header("x-TOKEN")).contains("a");
    assertThat(r.headers().all("X-Token")).containsExactly("a", "b");
    assertThat(r.headers().contains("X-TOKEN")).isTrue();
    assertThat(r.headers().names()).containsExactly("x-token");
    assertThat(r.header("missing")).isEmpty();
  }

  @Test
  void lanesAreOnlyThereWhenServedByAnApp() {
    assertThatThrownBy(() -> Request.builder("GET", "/").build().lanes())
        .isInstanceOf(IllegalStateException.class);
  }

  /**
   * A host set by middleware reaches host(), redirects and URLs built from it: it must be what a
   * Host header may carry (RFC 9110 7.2), as the server checks incoming ones.
   */
  @Test
  void aHostSetLaterIsCheckedAsAHostHeaderIs() {
    Request r = Request.builder("GET", "/").build();
    for (String bad : new String[] {"", ":443", "a\r\nSet-Cookie: x=y", "evil.example/x", "me@a", "a b", "a,b",
        "[::1", "[g::1]", "a:8x", "a:65536", "a:99999999999"}) {
      assertThatThrownBy(() -> r.withHost(bad)).as("%s", bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid host");
      assertThatThrownBy(() -> Request.builder("GET", "/").host(bad)).as("%s", bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    for (String good : new String[] {"a", "shop.example:8443", "[2001:db8::1]:443", "1.2.3.4", "a:65535"}) {
      assertThat(r.withHost(good).host()).hasValue(good);
      assertThat(Request.builder("GET", "/").host(good).build().host()).hasValue(good);
    }
  }

  @Test
  void httpExceptionNeedsAnErrorStatus() {
    assertThatThrownBy(() -> new HttpException(200, "ok")).isInstanceOf(IllegalArgumentException.class);
    assertThat(new HttpException(409, "conflict").status()).isEqualTo(409);
  }

  @Test
  void aBuilderWithoutHeadersOrScopeGivesEmptyHeadersAndOneScopeSharedByItsBuilds() {
    Request.Builder b = Request.builder("GET", "/x");
    Request first = b.build();
    Request second = b.build();
    assertThat(first.headers().first("host")).isEmpty();
    assertThat(first.scope()).isNotNull().isSameAs(second.scope());
    RequestScope own = RequestScope.create();
    assertThat(Request.builder("GET", "/x").scope(own).build().scope()).isSameAs(own);
  }
}

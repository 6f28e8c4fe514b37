package dev.lanes.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.http.SetCookie;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link TestClient#followRedirects(boolean)}: off, a test sees the redirect itself; on, the
 * client follows it as httpx (Starlette's TestClient) and browsers do: 303 becomes a GET, 301 and
 * 302 turn a POST into a GET, 307 and 308 resend the method and body; only to this server, and
 * at most {@link TestClient#MAX_REDIRECTS} in a row.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TestClientRedirectsTest {
  private static TestClient client;

  /** What the request that arrived was: method, path, Content-Type, body, cookies. */
  private static Response echo(dev.lanes.http.Request req) {
    return Response.text(req.method() + " " + req.path() + " type=" + req.header("content-type").orElse("-")
        + " body=" + new String(req.body(), StandardCharsets.UTF_8) + " cookies=" + req.cookies());
  }

  @BeforeAll
  static void start() {
    App.Builder app = App.builder()
        .route("POST", "/target", TestClientRedirectsTest::echo)
        .route("PUT", "/target", TestClientRedirectsTest::echo)
        .get("/target", TestClientRedirectsTest::echo)
        .get("/loop/{n}", req -> {
          int n = Integer.parseInt(req.pathParams().get("n"));
          return n == 0 ? Response.text("end") : Response.status(302).withHeader("Location", "/loop/" + (n - 1));
        })
        .get("/away", req -> Response.status(302).withHeader("Location", "http://example.invalid/x"))
        .get("/no-location", req -> Response.status(302))
        .get("/upper", req -> Response.status(302)
            .withHeader("Location", "HTTP://" + req.header("host").orElseThrow() + "/target"))
        .get("/list/items", req -> req.rawQuery().isEmpty()
            ? Response.status(302).withHeader("Location", "?page=2")
            : Response.text(req.path() + "?" + req.rawQuery()))
        .get("/login", req -> Response.status(303).withHeader("Location", "/target")
            .withCookie(SetCookie.of("session", "s1")));
    for (int status : new int[] {301, 302, 303, 307, 308}) {
      for (String method : new String[] {"GET", "POST", "PUT"}) {
        app.route(method, "/r" + status, req -> Response.status(status).withHeader("Location", "/target"));
      }
    }
    client = TestClient.start(app.build());
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  @Test
  void aRedirectIsNotFollowedUnlessAsked() {
    TestResponse r = client.get("/r302");
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.header("location")).contains("/target");
  }

  @ParameterizedTest
  @CsvSource({
      "301, POST, GET /target type=- body=",
      "302, POST, GET /target type=- body=",
      "303, POST, GET /target type=- body=",
      "303, PUT, GET /target type=- body=",
      "301, PUT, PUT /target type=text/plain body=data",
      "302, PUT, PUT /target type=text/plain body=data",
      "307, POST, POST /target type=text/plain body=data",
      "308, POST, POST /target type=text/plain body=data",
      "307, PUT, PUT /target type=text/plain body=data",
  })
  void aFollowedRedirectChangesTheMethodAsBrowsersDo(int status, String method, String expected) {
    TestClient following = TestClient.of(client.server()).followRedirects(true);
    try (following) {
      TestResponse r = following.send(following.request("/r" + status).header("Content-Type", "text/plain")
          .method(method, java.net.http.HttpRequest.BodyPublishers.ofString("data")));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo(expected + " cookies={}");
      // the same by sendAsync
      TestResponse async = following.sendAsync(following.request("/r" + status).header("Content-Type", "text/plain")
          .method(method, java.net.http.HttpRequest.BodyPublishers.ofString("data"))).join();
      assertThat(async.text()).isEqualTo(expected + " cookies={}");
    }
  }

  /** httpx's {@code response.url} and {@code response.history}: where the answer came from, and the redirects before it. */
  @Test
  void aFollowedResponseSaysItsUriAndTheRedirectsThatLedThere() {
    try (TestClient following = TestClient.of(client.server()).followRedirects(true)) {
      for (TestResponse r : new TestResponse[] {following.get("/loop/2"), following.sendAsync(following.request("/loop/2")).join()}) {
        assertThat(r.text()).isEqualTo("end");
        assertThat(r.uri().getPath()).isEqualTo("/loop/0");
        assertThat(r.history()).extracting(TestResponse::status).containsExactly(302, 302);
        assertThat(r.history()).extracting(h -> h.uri().getPath()).containsExactly("/loop/2", "/loop/1");
        assertThat(r.history()).allSatisfy(h -> assertThat(h.history()).isEmpty());
      }
    }
    TestResponse unfollowed = client.get("/r302");
    assertThat(unfollowed.uri().getPath()).isEqualTo("/r302");
    assertThat(unfollowed.history()).isEmpty();
  }

  @Test
  void aHeadStaysAHeadAfterA303() {
    try (TestClient following = TestClient.of(client.server()).followRedirects(true)) {
      TestResponse r = following.head("/r303");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEmpty();
    }
  }

  @Test
  void aCookieSetByARedirectIsSentToWhereItLeads() {
    try (TestClient following = TestClient.of(client.server()).followRedirects(true)) {
      assertThat(following.get("/login").text()).isEqualTo("GET /target type=- body= cookies={session=s1}");
      // A Cookie header of the test's goes with the first request only, as httpx drops it on a redirect.
      assertThat(following.send(following.request("/login").header("Cookie", "extra=1")).text())
          .isEqualTo("GET /target type=- body= cookies={session=s1}");
    }
  }

  @Test
  void aRedirectElsewhereOrWithoutLocationIsReturnedAsItCame() {
    try (TestClient following = TestClient.of(client.server()).followRedirects(true)) {
      TestResponse away = following.get("/away");
      assertThat(away.status()).isEqualTo(302);
      assertThat(away.header("location")).contains("http://example.invalid/x");
      assertThat(following.get("/no-location").status()).isEqualTo(302);
    }
  }

  /**
   * A Location of only a query keeps the path (RFC 3986 5.2.2, as httpx and browsers resolve it):
   * {@code java.net.URI.resolve}, after RFC 2396, dropped its last segment and asked {@code /list/?page=2}.
   */
  @Test
  void aLocationOfOnlyAQueryKeepsThePath() {
    try (TestClient following = TestClient.of(client.server()).followRedirects(true)) {
      TestResponse r = following.get("/list/items");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("/list/items?page=2");
    }
  }

  /** RFC 3986 3.1 and 3.2.2: scheme and host are case-insensitive, so {@code HTTP://} is this server. */
  @Test
  void aLocationNamingThisServerInCapitalsIsFollowed() {
    try (TestClient following = TestClient.of(client.server()).followRedirects(true)) {
      TestResponse r = following.get("/upper");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).startsWith("GET /target ");
    }
  }

  @Test
  void moreThanTheLimitOfRedirectsFailsNamingThem() {
    try (TestClient following = TestClient.of(client.server()).followRedirects(true)) {
      assertThat(following.get("/loop/20").text()).as("20 in a row are followed").isEqualTo("end");
      assertThatThrownBy(() -> following.get("/loop/21")).isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("more than 20 redirects in a row: GET /loop/21, 302 -> GET /loop/20, ")
          .hasMessageEndingWith("302 -> GET /loop/0");
      assertThatThrownBy(() -> following.sendAsync(following.request("/loop/21")).join())
          .isInstanceOf(CompletionException.class).cause().isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("more than 20 redirects in a row");
    }
  }
}

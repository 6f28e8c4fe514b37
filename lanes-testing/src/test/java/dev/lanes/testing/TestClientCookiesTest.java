package dev.lanes.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.http.SetCookie;
import java.time.Duration;
import java.time.Instant;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link TestClient} keeps the cookies its responses set and sends them back on the requests
 * they match, as a browser (and Starlette's TestClient) does: without it a login test had to copy
 * each Set-Cookie into the next request by hand.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TestClientCookiesTest {
  private static App app() {
    return App.builder()
        .post("/login", req -> Response.text("in").withCookie(SetCookie.of("session", "s1"))
            .withCookie(SetCookie.of("scoped", "only-admin").path("/admin")))
        .post("/logout", req -> Response.text("out").withCookie(SetCookie.delete("session")))
        .post("/expire", req -> Response.text("gone")
            .withCookie(SetCookie.of("session", "old").expires(Instant.parse("2000-01-01T00:00:00Z"))))
        .post("/secure", req -> Response.text("set").withCookie(SetCookie.of("s", "1").secure(true)))
        .post("/brief", req -> Response.text("set").withCookie(SetCookie.of("brief", "1").maxAge(Duration.ofHours(1))))
        // As other servers write them: an RFC 850 date (HttpDate reads it), a Max-Age past any Instant
        .post("/expire-rfc850", req -> Response.text("gone")
            .withHeader("Set-Cookie", "session=old; Expires=Sunday, 06-Nov-94 08:49:37 GMT; Path=/"))
        // A one-digit day, as Java's RFC_1123_DATE_TIME writes it; Netscape's four-digit year with dashes, as PHP writes it
        .post("/expire-1123", req -> Response.text("gone")
            .withHeader("Set-Cookie", "session=old; Expires=Sun, 6 Nov 1994 08:49:37 GMT; Path=/"))
        .post("/expire-netscape", req -> Response.text("gone")
            .withHeader("Set-Cookie", "session=old; Expires=Sun, 06-Nov-1994 08:49:37 GMT; Path=/"))
        .post("/forever", req -> Response.text("set").withHeader("Set-Cookie", "forever=1; Max-Age=99999999999999999; Path=/"))
        .get("/me", req -> Response.text(new TreeMap<>(req.cookies()).toString()))
        .get("/admin/me", req -> Response.text(new TreeMap<>(req.cookies()).toString()))
        .get("/administer", req -> Response.text(new TreeMap<>(req.cookies()).toString()))
        .build();
  }

  @Test
  void aCookieSetIsSentBackUntilTheServerDeletesIt() {
    try (TestClient client = TestClient.start(app())) {
      assertThat(client.get("/me").text()).isEqualTo("{}");
      client.post("/login", "", "text/plain");
      assertThat(client.cookie("session")).contains("s1");
      assertThat(client.get("/me").text()).as("Path=/admin is not sent to /me").isEqualTo("{session=s1}");
      assertThat(client.get("/admin/me").text()).isEqualTo("{scoped=only-admin, session=s1}");
      assertThat(client.get("/administer").text()).as("a path is matched by segments").isEqualTo("{session=s1}");

      assertThat(client.cookies()).containsOnlyKeys("session", "scoped");
      client.post("/logout", "", "text/plain"); // Max-Age=0
      assertThat(client.cookie("session")).isEmpty();
      assertThat(client.get("/me").text()).isEqualTo("{}");
      assertThat(client.get("/admin/me").text()).isEqualTo("{scoped=only-admin}");
    }
  }

  @Test
  void anExpiresInThePastDeletesTheCookieAndAMaxAgeKeepsIt() {
    try (TestClient client = TestClient.start(app())) {
      client.post("/login", "", "text/plain");
      client.post("/brief", "", "text/plain");
      client.post("/expire", "", "text/plain");
      assertThat(client.get("/me").text()).isEqualTo("{brief=1}");
    }
  }

  /**
   * An Expires in RFC 850's form, which HTTP dates may take (HttpDate reads all three), deletes the
   * cookie too: read as RFC 1123 only, it was ignored and the cookie kept; so do the forms servers
   * write beside them (a one-digit day, Netscape's dd-MMM-yyyy). A Max-Age too large for
   * an Instant keeps the cookie: it threw out of the client's cookie handler and failed the request.
   */
  @Test
  void anExpiresOfAnyHttpDateFormDeletesAndAHugeMaxAgeKeeps() {
    try (TestClient client = TestClient.start(app())) {
      client.post("/login", "", "text/plain");
      client.post("/expire-rfc850", "", "text/plain");
      assertThat(client.cookie("session")).isEmpty();
      for (String form : new String[] {"/expire-1123", "/expire-netscape"}) {
        client.post("/login", "", "text/plain");
        client.post(form, "", "text/plain");
        assertThat(client.cookie("session")).as(form).isEmpty();
      }
      assertThat(client.post("/forever", "", "text/plain").status()).isEqualTo(200);
      assertThat(client.get("/me").text()).isEqualTo("{forever=1}");
    }
  }

  @Test
  void aSecureCookieIsNotSentOverPlainHttp() {
    try (TestClient client = TestClient.start(app())) {
      client.post("/secure", "", "text/plain");
      assertThat(client.get("/me").text()).isEqualTo("{}");
    }
  }

  @Test
  void aCookieSetByTheTestIsSentAndClientsDoNotShareAJar() {
    try (TestClient client = TestClient.start(app()); TestClient other = TestClient.start(app())) {
      client.setCookie("theme", "dark");
      assertThat(client.get("/me").text()).isEqualTo("{theme=dark}");
      assertThat(client.get("/admin/me").text()).isEqualTo("{theme=dark}");
      assertThat(other.get("/me").text()).isEqualTo("{}");
      assertThat(client.send(client.request("/me").header("Cookie", "extra=1")).text())
          .as("a Cookie header of the test's goes with the jar's").isEqualTo("{extra=1, theme=dark}");
      client.clearCookies();
      assertThat(client.get("/me").text()).isEqualTo("{}");
    }
  }
}

package dev.lanes.middleware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.http.SetCookie;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Signed-cookie sessions over real sockets: kept, refused when forged or old, deleted when emptied. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionsTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  /** A clock the test moves. */
  private static final class Moving extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T00:00:00Z"));

    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now.get(); }
  }

  private static App app(Sessions sessions) {
    return App.builder().middleware(sessions)
        .post("/login", req -> {
          Sessions.of(req).put("user", req.query().get("name")).put("roles", List.of("admin"));
          return Response.text("in");
        })
        .get("/me", req -> Response.text(Sessions.of(req).get("user").orElse("nobody")
            + " " + Sessions.of(req).get("roles", List.class).orElse(List.of())))
        .post("/logout", req -> {
          Sessions.of(req).clear();
          return Response.text("out");
        })
        .get("/public", req -> Response.text("hello"))
        .build();
  }

  private static RawResponse send(TestClient c, String method, String target, String cookie) {
    try (RawClient raw = RawClient.connect(c.port())) {
      return raw.send(method + " " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
          + (cookie == null ? "" : "Cookie: theme=dark; " + cookie + "\r\n") + "\r\n").read();
    }
  }

  /** {@code session=...} from a Set-Cookie, as a browser sends it back. */
  private static String cookieOf(RawResponse r) {
    String set = r.header("set-cookie").orElseThrow();
    return set.substring(0, set.indexOf(';'));
  }

  @Test
  void aSessionIsKeptAcrossRequestsAndDeletedWhenCleared() {
    try (TestClient c = TestClient.start(app(Sessions.builder(SECRET).build()))) {
      assertThat(send(c, "GET", "/me", null).text()).isEqualTo("nobody []");
      assertThat(send(c, "GET", "/me", null).header("set-cookie")).as("an empty session sets nothing").isEmpty();

      RawResponse login = send(c, "POST", "/login?name=alice", null);
      String set = login.header("set-cookie").orElseThrow();
      assertThat(set).startsWith("session=").contains("; Max-Age=1209600", "; Path=/", "; HttpOnly", "; SameSite=Lax")
          .doesNotContain("Secure");
      String cookie = cookieOf(login);

      RawResponse me = send(c, "GET", "/me", cookie);
      assertThat(me.text()).isEqualTo("alice [admin]");
      assertThat(me.header("set-cookie")).as("unchanged: not sent again (Starlette 1.7)").isEmpty();
      assertThat(me.headerValues("vary")).as("read: a cache must key on the cookie").contains("Cookie");
      assertThat(send(c, "GET", "/public", cookie).headerValues("vary")).as("not read").doesNotContain("Cookie");

      RawResponse logout = send(c, "POST", "/logout", cookie);
      assertThat(logout.header("set-cookie").orElseThrow()).startsWith("session=; Max-Age=0; Expires=Thu, 01 Jan 1970");
    }
  }

  @Test
  void aForgedOrForeignCookieGivesAnEmptySession() {
    try (TestClient c = TestClient.start(app(Sessions.builder(SECRET).build()));
        TestClient other = TestClient.start(app(Sessions.builder(SECRET.replace('0', 'z')).build()))) {
      String cookie = cookieOf(send(c, "POST", "/login?name=alice", null));
      String value = cookie.substring("session=".length());
      String payload = value.substring(0, value.indexOf('.'));
      String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding()
          .encodeToString("{\"user\":\"mallory\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      for (String bad : List.of(
          "session=" + value.replace(payload, forgedPayload), // the payload changed, the signature kept
          "session=" + value.substring(0, value.length() - 2), // a cut signature
          "session=not.a.session", "session=", "session=...")) {
        RawResponse r = send(c, "GET", "/me", bad);
        assertThat(r.text()).as(bad).isEqualTo("nobody []");
        assertThat(r.header("set-cookie")).as("left alone, as Starlette does: it may be another app's").isEmpty();
        assertThat(send(c, "POST", "/logout", bad).header("set-cookie")).as("nothing to delete").isEmpty();
      }
      assertThat(send(other, "GET", "/me", cookie).text()).as("signed with another secret").isEqualTo("nobody []");
    }
  }

  @Test
  void aSlowRequestThatOnlyReadsTheSessionDoesNotUndoALogoutThatFinishedFirst() throws Exception {
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch loggedOut = new CountDownLatch(1);
    App app = App.builder().middleware(Sessions.builder(SECRET).build())
        .post("/login", req -> {
          Sessions.of(req).put("user", "alice");
          return Response.text("in");
        })
        .get("/report", req -> {
          String user = Sessions.of(req).get("user").orElse("nobody");
          reading.countDown();
          loggedOut.await();
          return Response.text("report for " + user);
        })
        .post("/logout", req -> {
          Sessions.of(req).clear();
          return Response.text("out");
        })
        .build();
    try (TestClient c = TestClient.start(app)) {
      String cookie = cookieOf(send(c, "POST", "/login", null));
      CompletableFuture<RawResponse> report = CompletableFuture.supplyAsync(() -> send(c, "GET", "/report", cookie));
      reading.await();
      assertThat(send(c, "POST", "/logout", cookie).header("set-cookie").orElseThrow()).startsWith("session=; Max-Age=0");
      loggedOut.countDown();
      RawResponse r = report.get();
      assertThat(r.text()).isEqualTo("report for alice");
      assertThat(r.header("set-cookie")).as("the read-only request must not set the old session again").isEmpty();
    }
  }

  @Test
  void aSessionOlderThanMaxAgeIsEmpty() {
    Moving clock = new Moving();
    Sessions sessions = Sessions.builder(SECRET).maxAge(Duration.ofHours(1)).clock(clock).build();
    try (TestClient c = TestClient.start(app(sessions))) {
      String cookie = cookieOf(send(c, "POST", "/login?name=alice", null));
      clock.now.set(clock.now.get().plus(Duration.ofMinutes(59)));
      assertThat(send(c, "GET", "/me", cookie).text()).isEqualTo("alice [admin]");
      clock.now.set(clock.now.get().plus(Duration.ofMinutes(2)));
      assertThat(send(c, "GET", "/me", cookie).text()).as("61 minutes after it was signed").isEqualTo("nobody []");
    }
  }

  /**
   * As Starlette, whose 500 for an unhandled error comes from outside the user's middleware: a
   * change made before an unhandled exception is not sent, one before an HttpException or an
   * exception its handler answered is. A handler for Exception itself stands for Starlette's
   * ServerErrorMiddleware handler, outside too.
   */
  @Test
  void aSessionChangedBeforeAnUnhandledErrorIsNotSentButBeforeAHandledOneItIs() {
    App app = App.builder().middleware(Sessions.builder(SECRET).build())
        .exceptionHandler(IllegalArgumentException.class, e -> Response.text(418, "handled"))
        .get("/boom", req -> {
          Sessions.of(req).put("user", "alice");
          throw new IllegalStateException("half done");
        })
        .getAsync("/boom-async", req -> {
          Sessions.of(req).put("user", "alice");
          return CompletableFuture.failedFuture(new IllegalStateException("half done"));
        })
        .get("/forbidden", req -> {
          Sessions.of(req).put("user", "alice");
          throw new dev.lanes.http.HttpException(403, "Forbidden");
        })
        .get("/handled", req -> {
          Sessions.of(req).put("user", "alice");
          throw new IllegalArgumentException("bad");
        })
        .build();
    try (TestClient c = TestClient.start(app)) {
      for (String path : List.of("/boom", "/boom-async")) {
        RawResponse r = send(c, "GET", path, null);
        assertThat(r.status()).as(path).isEqualTo(500);
        assertThat(r.header("set-cookie")).as(path + ": the half-done change is not sent").isEmpty();
      }
      RawResponse forbidden = send(c, "GET", "/forbidden", null);
      assertThat(forbidden.status()).isEqualTo(403);
      assertThat(forbidden.header("set-cookie").orElseThrow()).startsWith("session=");
      RawResponse handled = send(c, "GET", "/handled", null);
      assertThat(handled.status()).isEqualTo(418);
      assertThat(handled.header("set-cookie").orElseThrow()).startsWith("session=");
    }
    App catchAll = App.builder().middleware(Sessions.builder(SECRET).build())
        .exceptionHandler(Exception.class, e -> Response.text(500, "sorry"))
        .get("/boom", req -> {
          Sessions.of(req).put("user", "alice");
          throw new IllegalStateException("half done");
        })
        .build();
    try (TestClient c = TestClient.start(catchAll)) {
      RawResponse r = send(c, "GET", "/boom", null);
      assertThat(r.text()).isEqualTo("sorry");
      assertThat(r.header("set-cookie")).as("Starlette's handler for Exception runs outside its middleware").isEmpty();
    }
  }

  /** itsdangerous' TimestampSigner refuses a negative age: a cookie signed "later" than now is not a session. */
  @Test
  void aSessionSignedInTheFutureIsEmpty() {
    Moving clock = new Moving();
    Sessions sessions = Sessions.builder(SECRET).maxAge(Duration.ofHours(1)).clock(clock).build();
    try (TestClient c = TestClient.start(app(sessions))) {
      String cookie = cookieOf(send(c, "POST", "/login?name=alice", null));
      assertThat(send(c, "GET", "/me", cookie).text()).as("signed this second").isEqualTo("alice [admin]");
      clock.now.set(clock.now.get().minusSeconds(1));
      RawResponse r = send(c, "GET", "/me", cookie);
      assertThat(r.text()).as("signed a second from now").isEqualTo("nobody []");
      assertThat(r.header("set-cookie")).isEmpty();
    }
  }

  @Test
  void aSessionTooBigForACookieIsA500NamingWhy() {
    App app = App.builder().middleware(Sessions.builder(SECRET).build())
        .get("/big", req -> {
          Sessions.of(req).put("blob", "x".repeat(5000));
          return Response.text("ok");
        })
        .get("/none", req -> Response.text(Sessions.of(req).toString())).build();
    try (TestClient c = TestClient.start(app)) {
      assertThat(send(c, "GET", "/big", null).status()).isEqualTo(500);
    }
    App without = App.builder().get("/s", req -> Response.text(Sessions.of(req).toString())).build();
    try (TestClient c = TestClient.start(without)) {
      assertThat(send(c, "GET", "/s", null).status()).as("no Sessions middleware: a 500, logged with why").isEqualTo(500);
    }
  }

  /** Starlette 1.7's {@code SessionMiddleware(partitioned=True)}: CHIPS, for an app embedded in other sites. */
  @Test
  void aPartitionedSessionIsSetAndDeletedPartitioned() {
    try (TestClient c = TestClient.start(app(Sessions.builder(SECRET).httpsOnly(true).sameSite(SetCookie.SameSite.NONE)
        .partitioned(true).build()))) {
      RawResponse login = send(c, "POST", "/login?name=alice", null);
      assertThat(login.header("set-cookie").orElseThrow()).contains("; Secure", "; SameSite=None").endsWith("; Partitioned");
      RawResponse logout = send(c, "POST", "/logout", cookieOf(login));
      assertThat(logout.header("set-cookie").orElseThrow()).as("a browser deletes it only from its partition")
          .startsWith("session=; Max-Age=0").endsWith("; Partitioned");
    }
    try (TestClient c = TestClient.start(app(Sessions.builder(SECRET).httpsOnly(true).build()))) {
      assertThat(send(c, "POST", "/login?name=alice", null).header("set-cookie").orElseThrow())
          .as("not by default").doesNotContain("Partitioned");
    }
    assertThatThrownBy(() -> Sessions.builder(SECRET).partitioned(true).build())
        .as("browsers drop a Partitioned cookie without Secure").hasMessageContaining("Partitioned")
        .hasMessageContaining("httpsOnly");
  }

  @Test
  void badConfigurationFailsWhenBuilt() {
    assertThatThrownBy(() -> Sessions.builder("short")).hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(() -> Sessions.builder(SECRET).sameSite(SetCookie.SameSite.NONE).build())
        .hasMessageContaining("httpsOnly");
    assertThatThrownBy(() -> Sessions.builder(SECRET).cookieName("a b")).hasMessageContaining("'a b'");
    assertThatThrownBy(() -> Sessions.builder(SECRET).maxAge(Duration.ofMillis(500)))
        .as("Max-Age=0 would delete the cookie it sets").hasMessageContaining("at least one second");
    assertThat(Sessions.builder(SECRET).sameSite(SetCookie.SameSite.NONE).httpsOnly(true).build()).isNotNull();
    // a prefixed name's promise (RFC 6265bis 4.1.3) kept, or the browser drops every session cookie
    assertThatThrownBy(() -> Sessions.builder(SECRET).cookieName("__Host-session").build())
        .hasMessageContaining("__Host-").hasMessageContaining("httpsOnly");
    assertThatThrownBy(() -> Sessions.builder(SECRET).cookieName("__Host-session").httpsOnly(true).domain("example.com")
        .build()).hasMessageContaining("Domain");
    assertThatThrownBy(() -> Sessions.builder(SECRET).cookieName("__Secure-session").build())
        .hasMessageContaining("__Secure-");
    assertThat(Sessions.builder(SECRET).cookieName("__Host-session").httpsOnly(true).build()).isNotNull();
  }
}

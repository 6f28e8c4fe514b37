package dev.lanes.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.RawResponse;
import dev.lanes.testing.TestClient;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed requests over raw sockets, one class of mistake per group: each is answered with an
 * error and the connection is closed, so nothing after it is ever parsed as a request.
 */
class StrictParsingTest {
  private static TestClient client;

  @BeforeAll
  static void start() {
    App app = App.builder()
        .getAsync("/", req -> CompletableFuture.completedFuture(Response.text("root")))
        .getAsync("/x", req -> CompletableFuture.completedFuture(Response.text("x")))
        .getAsync("/secret", req -> CompletableFuture.completedFuture(Response.text("secret")))
        .postAsync("/", req -> CompletableFuture.completedFuture(Response.text("got " + req.body().length)))
        .build();
    client = TestClient.start(app, ServerConfig.builder()
        .maxInitialLineLength(256).maxHeaderSize(1024).maxBodySize(1000).maxHeaderCount(10));
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  static Stream<Arguments> rejected() {
    String big = "a".repeat(2000);
    return Stream.of(
        // Host
        Arguments.of("missing Host", "GET / HTTP/1.1\r\n\r\n", 400),
        Arguments.of("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        Arguments.of("empty Host", "GET / HTTP/1.1\r\nHost: \r\n\r\n", 400),
        Arguments.of("Host with userinfo", "GET / HTTP/1.1\r\nHost: me@a\r\n\r\n", 400),
        Arguments.of("Host with path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        Arguments.of("Host list", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", 400),
        Arguments.of("Host bad port", "GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n", 400),
        // An IP-literal must be an IPv6 address (RFC 3986 3.2.2), a '%' two hex digits (pct-encoded)
        Arguments.of("Host [1]", "GET / HTTP/1.1\r\nHost: [1]:8080\r\n\r\n", 400),
        Arguments.of("Host [1.2.3.4]", "GET / HTTP/1.1\r\nHost: [1.2.3.4]\r\n\r\n", 400),
        Arguments.of("Host with two ::", "GET / HTTP/1.1\r\nHost: [1::2::3]\r\n\r\n", 400),
        Arguments.of("Host with a bad escape", "GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n", 400),
        Arguments.of("absolute target, not an IPv6 address", "GET http://[::1::]/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        // versions
        Arguments.of("HTTP/2.0 on HTTP/1", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        Arguments.of("HTTP/7.3", "GET / HTTP/7.3\r\nHost: a\r\n\r\n", 505),
        Arguments.of("h2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
        // request targets
        Arguments.of("relative target", "GET x HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("fragment", "GET /x#y HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("backslash", "GET /x\\y HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("asterisk with GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("dot-dot segment", "GET /a/../secret HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("encoded dot-dot", "GET /a/%2e%2e/secret HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("encoded NUL", "GET /x%00 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("encoded CRLF", "GET /x%0d%0aA:b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("bad escape", "GET /x%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("CONNECT", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", 501),
        // framing
        Arguments.of("CL and TE", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("two different CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
            + "Content-Length: 2\r\n\r\nab", 400),
        Arguments.of("two equal CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n"
            + "Content-Length: 2\r\n\r\nab", 400),
        Arguments.of("signed CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +2\r\n\r\nab", 400),
        Arguments.of("hex CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x2\r\n\r\nab", 400),
        Arguments.of("unknown TE", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
        Arguments.of("chunked not last", "POST / HTTP/1.1\r\nHost: a\r\n"
            + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("TE on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("bad chunk size", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "zz\r\nab\r\n0\r\n\r\n", 400),
        Arguments.of("chunk extension without a name", "POST / HTTP/1.1\r\nHost: a\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n0\r\n\r\n", 400),
        Arguments.of("chunk size with 0x", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "0x2\r\nab\r\n0\r\n\r\n", 400),
        // header syntax
        Arguments.of("space in header name", "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n", 400),
        Arguments.of("space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
        Arguments.of("NUL in header value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n", 400),
        Arguments.of("bare LF line", "GET / HTTP/1.1\nHost: a\n\n", 400),
        // limits
        Arguments.of("request line too long", "GET /" + big + " HTTP/1.1\r\nHost: a\r\n\r\n", 414),
        Arguments.of("too many headers", "GET / HTTP/1.1\r\nHost: a\r\n" + "X: y\r\n".repeat(20) + "\r\n", 431),
        Arguments.of("headers too large", "GET / HTTP/1.1\r\nHost: a\r\nX: " + big + "\r\n\r\n", 431),
        Arguments.of("body too large", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000\r\n\r\n" + big, 413),
        Arguments.of("chunked body too large", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "7D0\r\n" + big + "\r\n0\r\n\r\n", 413));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void rejectsAndCloses(String name, String request, int status) {
    RawClient.Transcript r = RawClient.exchange(client.port(), request);
    assertThat(r.statuses()).as(r.text()).containsExactly(status);
    assertThat(r.closed()).as("connection closed after %s", name).isTrue();
  }

  /**
   * {@code ServerStatistics.badRequests} counts every request refused for syntax, framing or size,
   * one each: a path refused as unsafe (dot segments, encoded NUL, bad escapes) was answered 400
   * and its connection closed, but not counted. Counted before the answer is written, so the
   * client that has it sees the count.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void eachRefusalIsCountedAsOneBadRequest(String name, String request, int status) {
    long before = client.server().statistics().badRequests();
    RawClient.Transcript r = RawClient.exchange(client.port(), request);
    assertThat(r.statuses()).as(r.text()).containsExactly(status);
    assertThat(client.server().statistics().badRequests() - before).as("bad requests counted").isEqualTo(1);
  }

  /**
   * A chunked upload past {@code maxBodySize} (no Content-Length to refuse up front): 413, then the
   * connection closes; the rest of the refused body, a chunk that reads like a request, and the
   * request pipelined after its last chunk are never served.
   */
  @Test
  void nothingInOrAfterAChunkedBodyRefused413IsServed() {
    String smuggled = "GET /secret HTTP/1.1\r\nHost: a\r\n\r\n";
    RawClient.Transcript r = RawClient.exchange(client.port(),
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3E8\r\n" + "a".repeat(1000) + "\r\n"
            + Integer.toHexString(smuggled.length()) + "\r\n" + smuggled + "\r\n"
            + "0\r\n\r\n" + smuggled);
    assertThat(r.statuses()).as(r.text()).containsExactly(413);
    assertThat(r.text()).doesNotContain("secret");
    assertThat(r.closed()).isTrue();
  }

  @Test
  void nothingAfterAFramingErrorIsServed() {
    // A request smuggled behind conflicting framing must never be answered.
    RawClient.Transcript r = RawClient.exchange(client.port(),
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "0\r\n\r\nGET /secret HTTP/1.1\r\nHost: a\r\n\r\n");
    assertThat(r.statuses()).containsExactly(400);
    assertThat(r.text()).doesNotContain("secret");
    assertThat(r.closed()).isTrue();
  }

  @Test
  void aNamelessChunkExtensionIsNamedInThe400AndNothingBehindItIsServed() {
    RawClient.Transcript r = RawClient.exchange(client.port(),
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n0\r\n\r\n"
            + "GET /secret HTTP/1.1\r\nHost: a\r\n\r\n");
    assertThat(r.statuses()).containsExactly(400);
    assertThat(r.text()).contains("chunk extension without a name").doesNotContain("secret");
    assertThat(r.closed()).isTrue();
  }

  @Test
  void requestsPipelinedBeforeAnErrorAreAnsweredInOrder() {
    RawClient.Transcript r = RawClient.exchange(client.port(),
        "GET /x HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\n\r\nGET /secret HTTP/1.1\r\nHost: a\r\n\r\n");
    assertThat(r.statuses()).containsExactly(200, 400);
    assertThat(r.text()).doesNotContain("secret");
    assertThat(r.closed()).isTrue();
  }

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of("HTTP/1.0 without Host", "GET /x HTTP/1.0\r\n\r\n", "x"),
        Arguments.of("absolute form", "GET http://a:80/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "x"),
        Arguments.of("IPv6 Host", "GET /x HTTP/1.1\r\nHost: [::1]:80\r\nConnection: close\r\n\r\n", "x"),
        Arguments.of("chunked body", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
            + "Connection: close\r\n\r\n2\r\nab\r\nA\r\n0123456789\r\n0\r\n\r\n", "got 12"),
        Arguments.of("named chunk extensions", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
            + "Connection: close\r\n\r\n5;a=1;b\r\nhello\r\n0;last\r\n\r\n", "got 5"),
        Arguments.of("CL with leading zeros", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 003\r\n"
            + "Connection: close\r\n\r\nabc", "got 3"),
        Arguments.of("HTTP/1.2", "GET /x HTTP/1.2\r\nHost: a\r\nConnection: close\r\n\r\n", "x"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void acceptsValidEdgeCases(String name, String request, String body) {
    RawClient.Transcript r = RawClient.exchange(client.port(), request);
    assertThat(r.statuses()).as(r.text()).containsExactly(200);
    assertThat(r.text()).endsWith(body);
  }

  @Test
  void optionsAsteriskIsAnsweredByTheServer() {
    RawClient.Transcript r = RawClient.exchange(client.port(), "OPTIONS * HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    assertThat(r.statuses()).containsExactly(204);
  }

  @Test
  void keepAliveSurvivesValidPipelinedRequests() {
    try (RawClient c = RawClient.connect(client.port())) {
      c.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(c.read(2)).extracting(RawResponse::text).containsExactly("x", "root");
      // still open: a third request on the same connection is answered
      assertThat(c.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n").read().text()).isEqualTo("x");
    }
  }
}

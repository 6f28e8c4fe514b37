package dev.lanes.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Edge cases of the head checks, on request objects as the codec hands them over. The common
 * cases, through the codec and a real socket, are in lanes-testing's StrictParsingTest; here are
 * the boundaries, the rewrites and what is only reachable when the codec lets something through.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RequestValidatorTest {
  private static final int MAX_BODY = 100;
  private static final int MAX_HEADERS = 5;

  private static HttpRequest request(String method, String uri, String version, String... headers) {
    HttpRequest req = new DefaultHttpRequest(HttpVersion.valueOf(version), HttpMethod.valueOf(method), uri);
    for (int i = 0; i < headers.length; i += 2) {
      req.headers().add(headers[i], headers[i + 1]);
    }
    return req;
  }

  /** The validator as the server's decoder calls it, for each message it decoded. */
  private static EmbeddedChannel validating() {
    RequestValidator validator = new RequestValidator(MAX_BODY, MAX_HEADERS);
    return new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (validator.passes(ctx, msg)) {
          ctx.fireChannelRead(msg);
        }
      }
    });
  }

  private static HttpRequest get(String uri, String... headers) {
    return request("GET", uri, "HTTP/1.1", headers);
  }

  /** Passes {@code req} through a validator; the refusal it was marked with, or null. */
  private static RejectedRequest refusal(HttpRequest req) {
    EmbeddedChannel ch = validating();
    ch.writeInbound(req);
    HttpRequest out = ch.readInbound();
    assertThat(out).isSameAs(req); // marked, never answered or dropped here
    ch.finishAndReleaseAll();
    return out.decoderResult().isSuccess() ? null : (RejectedRequest) out.decoderResult().cause();
  }

  @ParameterizedTest(name = "{0} -> {1} with Host {2}")
  @CsvSource({
      "http://a:80/x?q=1, /x?q=1, a:80",
      "HTTP://A,          /,      A",
      "https://a?q=1,     /?q=1,  a",
      "http://[::1]:8/p,  /p,     [::1]:8"})
  void anAbsoluteFormTargetBecomesAPathAndItsAuthorityTheHost(String target, String path, String host) {
    HttpRequest req = get(target, "Host", "other");
    assertThat(refusal(req)).isNull();
    assertThat(req.uri()).isEqualTo(path);
    assertThat(req.headers().getAll(HttpHeaderNames.HOST)).containsExactly(host);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://u@a/x", "http:///x", "http://a,b/x", "http://a:8x/"})
  void anAbsoluteFormWithABadAuthorityIsRefused(String target) {
    assertThat(refusal(get(target, "Host", "a"))).hasMessage("Bad Request: invalid authority in request target");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://a/x", "a/x", "http:/x", "x"})
  void otherTargetFormsAreRefused(String target) {
    RejectedRequest bad = refusal(get(target, "Host", "a"));
    assertThat(bad).isNotNull();
    assertThat(bad.status()).isEqualTo(400);
  }

  @Test
  void everyRequestOfAConnectionHasItsHostChecked() {
    // The validator remembers the last Host that passed; a different one is checked afresh.
    EmbeddedChannel ch = validating();
    for (String host : new String[] {"a", "a", "b:8", "a b"}) {
      HttpRequest req = get("/", "Host", host);
      ch.writeInbound(req);
      assertThat(ch.<HttpRequest>readInbound()).isSameAs(req);
      assertThat(req.decoderResult().isSuccess()).as(host).isEqualTo(!host.equals("a b"));
    }
    ch.finishAndReleaseAll();
  }

  @Test
  void http10NeedsNoHostButAnInvalidOneIsStillRefused() {
    assertThat(refusal(request("GET", "/", "HTTP/1.0"))).isNull();
    assertThat(refusal(request("GET", "/", "HTTP/1.0", "Host", "a b"))).hasMessage("Bad Request: invalid Host header");
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/0.9", "HTTP/2.0", "FOO/1.1"})
  void anythingButHttp1Is505(String version) {
    RejectedRequest bad = refusal(request("GET", "/", version, "Host", "a"));
    assertThat(bad.status()).isEqualTo(505);
    assertThat(bad).hasMessage("HTTP Version Not Supported: " + version);
  }

  @Test
  void aLaterMinorVersionIsHttp11() {
    assertThat(refusal(request("GET", "/", "HTTP/1.7"))).hasMessage("Bad Request: HTTP/1.1 needs a Host header");
  }

  @Test
  void anUnknownCodingThatGetsPastTheCodecIs501() {
    // Netty's decoder in RFC 9112 mode refuses these itself; this is the net under it.
    RejectedRequest bad = refusal(request("POST", "/", "HTTP/1.1", "Host", "a", "Transfer-Encoding", "gzip"));
    assertThat(bad.status()).isEqualTo(501);
    assertThat(bad).hasMessage("Not Implemented: transfer coding [gzip]");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "chunked, chunked | Bad Request: chunked must be the only transfer coding",
      "gzip, chunked    | Bad Request: chunked must be the only transfer coding"})
  void chunkedMustBeTheOnlyCoding(String te, String message) {
    assertThat(refusal(request("POST", "/", "HTTP/1.1", "Host", "a", "Transfer-Encoding", te))).hasMessage(message);
  }

  @Test
  void twoTransferEncodingFieldsAreRefusedEvenIfBothSayChunked() {
    assertThat(refusal(request("POST", "/", "HTTP/1.1", "Host", "a",
        "Transfer-Encoding", "chunked", "Transfer-Encoding", "chunked")))
        .hasMessage("Bad Request: chunked must be the only transfer coding");
  }

  @Test
  void chunkedIsMatchedWithoutCase() {
    assertThat(refusal(request("POST", "/", "HTTP/1.1", "Host", "a", "Transfer-Encoding", "Chunked"))).isNull();
  }

  @Test
  void contentLengthWithTransferEncodingIsRefusedWhateverTheOrder() {
    assertThat(refusal(request("POST", "/", "HTTP/1.1", "Host", "a",
        "Transfer-Encoding", "chunked", "Content-Length", "3")))
        .hasMessage("Bad Request: both Content-Length and Transfer-Encoding");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-1", "1 2", "1_0", "١"})
  void aContentLengthThatIsNotDigitsIsRefused(String length) {
    assertThat(refusal(request("POST", "/", "HTTP/1.1", "Host", "a", "Content-Length", length)))
        .hasMessage("Bad Request: invalid Content-Length");
  }

  @Test
  void theBodyLimitIsInclusive() {
    assertThat(refusal(request("POST", "/", "HTTP/1.1", "Host", "a", "Content-Length", "100"))).isNull();
    RejectedRequest bad = refusal(request("POST", "/", "HTTP/1.1", "Host", "a", "Content-Length", "101"));
    assertThat(bad.status()).isEqualTo(413);
  }

  @Test
  void theHeaderCountLimitIsInclusive() {
    assertThat(refusal(get("/", "Host", "a", "A", "1", "B", "2", "C", "3", "D", "4"))).isNull();
    RejectedRequest bad = refusal(get("/", "Host", "a", "A", "1", "B", "2", "C", "3", "D", "4", "E", "5"));
    assertThat(bad.status()).isEqualTo(431);
  }

  @Test
  void theAsteriskIsOnlyForOptionsAndConnectIsNotServed() {
    assertThat(refusal(request("OPTIONS", "*", "HTTP/1.1", "Host", "a"))).isNull();
    assertThat(refusal(request("DELETE", "*", "HTTP/1.1", "Host", "a")).status()).isEqualTo(400);
    assertThat(refusal(request("CONNECT", "/", "HTTP/1.1", "Host", "a")).status()).isEqualTo(501);
  }

  @Test
  void afterARefusalEverythingIsDroppedAndReadingStops() {
    EmbeddedChannel ch = validating();
    ch.writeInbound(get("/x")); // no Host
    HttpRequest refused = ch.readInbound();
    assertThat(refused.decoderResult().isFailure()).isTrue();
    assertThat(ch.config().isAutoRead()).isFalse();

    ByteBuf body = Unpooled.copiedBuffer(new byte[] {1, 2, 3});
    HttpContent content = new DefaultHttpContent(body);
    ch.writeInbound(content, get("/smuggled", "Host", "a"));
    assertThat(ch.inboundMessages()).as("nothing after the refusal goes on").isEmpty();
    assertThat(body.refCnt()).as("dropped and released").isZero();
    ch.finishAndReleaseAll();
  }

  @Test
  void aFailureFromTheDecoderPassesOnAndAlsoStopsReading() {
    EmbeddedChannel ch = validating();
    HttpRequest broken = get("/x", "Host", "a");
    IllegalArgumentException cause = new IllegalArgumentException("bad line");
    broken.setDecoderResult(DecoderResult.failure(cause));
    ch.writeInbound(broken, get("/next", "Host", "a"));
    HttpRequest out = ch.readInbound();
    assertThat(out.decoderResult().cause()).isSameAs(cause);
    assertThat(ch.inboundMessages()).isEmpty();
    assertThat(ch.config().isAutoRead()).isFalse();
    ch.finishAndReleaseAll();
  }
}

package dev.lanes.internal.compression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.server.Compression;
import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.compression.Zstd;
import org.junit.jupiter.api.Test;

/** The protocol-neutral rules HTTP/1.1 and HTTP/2 share: which responses, which coding. */
class CompressionRuleTest {
  private final CompressionRule rule = new CompressionRule(Compression.on().minSize(1024));

  @Test
  void onlyFullCompressibleBodiesOfTheMinimumSizeOrUnknownLength() {
    assertThat(rule.eligible(200, "application/json", false, false, 2000)).isTrue();
    assertThat(rule.eligible(200, "text/event-stream", false, false, -1)).isTrue();
    assertThat(rule.eligible(200, "text/plain", false, false, 1023)).isFalse();
    assertThat(rule.eligible(200, "image/png", false, false, 2000)).isFalse();
    assertThat(rule.eligible(200, null, false, false, 2000)).isFalse();
    assertThat(rule.eligible(206, "text/plain", true, false, 2000)).isFalse();
    assertThat(rule.eligible(200, "text/plain", true, false, 2000)).isFalse();
    assertThat(rule.eligible(200, "text/plain", false, true, 2000)).isFalse();
    for (int status : new int[] {101, 204, 301, 304}) {
      assertThat(rule.eligible(status, "text/plain", false, false, 2000)).as("status %d", status).isFalse();
    }
    assertThat(rule.eligible(404, "text/plain", false, false, 2000)).isTrue();
  }

  /** RFC 9110 15.3.7: a 206 says the Vary of its 200, whose length its Content-Range names. */
  @Test
  void aPartialSaysTheVaryOfItsWhole200() {
    var body = new dev.lanes.http.ResponseBody.Bytes(new byte[10]);
    var text = dev.lanes.http.Response.of(206, "text/plain", body);
    assertThat(rule.partial(text.withHeader("Content-Range", "bytes 0-9/2000")).header("vary"))
        .contains("Accept-Encoding");
    assertThat(rule.partial(text.withHeader("Content-Range", "bytes 0-9/1000")).header("vary"))
        .as("a 200 below minSize").isEmpty();
    assertThat(rule.partial(text.withHeader("Content-Range", "bytes 0-9/*")).header("vary"))
        .as("complete length unknown").isEmpty();
    assertThat(rule.partial(dev.lanes.http.Response.of(206, "image/png", body)
        .withHeader("Content-Range", "bytes 0-9/2000")).header("vary")).isEmpty();
    assertThat(rule.partial(dev.lanes.http.Response.of(206, "multipart/byteranges; boundary=b", body)).header("vary"))
        .as("several ranges: no Content-Range of the whole").isEmpty();
    var ranged = text.withHeader("Content-Range", "bytes 0-9/2000");
    assertThat(rule.partial(ranged).header("etag")).isEmpty();
  }

  @Test
  void compressibleTypes() {
    assertThat(CompressibleTypes.test("text/html; charset=utf-8")).isTrue();
    assertThat(CompressibleTypes.test("text/event-stream")).isTrue();
    assertThat(CompressibleTypes.test("application/problem+json")).isTrue();
    assertThat(CompressibleTypes.test("image/svg+xml")).isTrue();
    assertThat(CompressibleTypes.test("image/png")).isFalse();
    assertThat(CompressibleTypes.test("application/zip")).isFalse();
    assertThat(CompressibleTypes.test("application/octet-stream")).isFalse();
    assertThat(CompressibleTypes.test("font/woff2")).isFalse();
  }

  @Test
  void theRememberedTypeNeverAnswersForAnother() {
    for (int i = 0; i < 3; i++) { // the same type twice in a row, then a different one
      assertThat(CompressibleTypes.test("text/plain")).isTrue();
      assertThat(CompressibleTypes.test("text/plain")).isTrue();
      assertThat(CompressibleTypes.test("image/png")).isFalse();
      assertThat(CompressibleTypes.test("image/png")).isFalse();
      assertThat(CompressibleTypes.test("")).isFalse();
    }
  }

  @Test
  void theCodingFollowsQValuesThenBrZstdGzip() {
    assertThat(ContentCodings.choose(null)).isNull();
    assertThat(ContentCodings.choose("identity")).isNull();
    assertThat(ContentCodings.choose("gzip;q=0")).isNull();
    assertThat(ContentCodings.choose("gzip")).isEqualTo("gzip");
    assertThat(ContentCodings.choose("x-gzip, deflate")).isEqualTo("gzip");
    assertThat(ContentCodings.choose("gzip;q=x")).isNull(); // a garbled weight is a refusal
    assertThat(ContentCodings.choose("br;q=0.2, GZIP;q=0.8")).isEqualTo("gzip");
    if (Brotli.isAvailable()) {
      assertThat(ContentCodings.choose("gzip, deflate, br, zstd")).isEqualTo("br");
      assertThat(ContentCodings.choose("gzip;q=0.5, br")).isEqualTo("br");
      assertThat(ContentCodings.choose("*")).isEqualTo("br");
    }
    if (Zstd.isAvailable()) {
      assertThat(ContentCodings.choose("zstd, gzip;q=0.9")).isEqualTo("zstd");
      assertThat(ContentCodings.choose("br;q=0, *;q=0.5")).isEqualTo("zstd");
    }
    assertThat(ContentCodings.choose("br;q=0, zstd;q=0, *")).isEqualTo("gzip");
  }

  /**
   * A weight is RFC 9110 12.4.2's qvalue, "0" or "1" with at most three decimals; anything else
   * is garbled, and refuses its coding as {@code q=x} does. An empty {@code q=} is garbled too:
   * it weighed 1.
   */
  @Test
  void aWeightOutsideTheQvalueGrammarRefusesItsCoding() {
    for (String garbled : new String[] {"gzip;q=", "gzip;q= ", "gzip;q=0.5f", "gzip;q=1e0", "gzip;q=0x1p-1",
        "gzip;q=.5", "gzip;q=+1", "gzip;q=1.5", "gzip;q=NaN", "gzip;q=0.1234"}) {
      assertThat(ContentCodings.choose(garbled)).as(garbled).isNull();
    }
    for (String weighed : new String[] {"gzip;q=1", "gzip;q=1.", "gzip;q=1.000", "gzip;q=0.001", "gzip; Q=0.5",
        "gzip;level=9;q=0.5"}) {
      assertThat(ContentCodings.choose(weighed)).as(weighed).isEqualTo("gzip");
    }
  }

  /**
   * Weights rank the codings the client accepts, identity among them (RFC 9110 12.5.3): a client
   * that weighs identity above every coding the server has gets the body as it is. A tie is the
   * server's to break, and it compresses.
   */
  @Test
  void anIdentityWeighedAboveEveryCodingKeepsTheBodyAsItIs() {
    assertThat(ContentCodings.choose("identity;q=1, gzip;q=0.5")).isNull();
    assertThat(ContentCodings.choose("gzip;q=0.5, IDENTITY")).isNull();
    assertThat(ContentCodings.choose("identity;q=0.5, gzip")).isEqualTo("gzip");
    assertThat(ContentCodings.choose("identity, gzip")).isEqualTo("gzip");
    assertThat(ContentCodings.choose("identity;q=0, gzip;q=0.1")).isEqualTo("gzip");
  }
}

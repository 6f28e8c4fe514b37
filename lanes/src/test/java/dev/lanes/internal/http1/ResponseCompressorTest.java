package dev.lanes.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.server.Compression;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The compressor's rules at the codec level, where no socket is needed. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ResponseCompressorTest {
  private static final byte[] TEXT = "compress me please ".repeat(200).getBytes(StandardCharsets.UTF_8);

  private static FullHttpResponse response(int status, String type) {
    var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
        Unpooled.wrappedBuffer(TEXT));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, TEXT.length);
    return r;
  }

  private static EmbeddedChannel channelAfterRequest() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(new ResponseCompressor(Compression.on()));
    var req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    req.headers().set(HttpHeaderNames.ACCEPT_ENCODING, "gzip");
    requested(ch, req);
    return ch;
  }

  /** Reads the next response, which passed uncompressed with all its bytes and says {@code Vary}. */
  private static void assertUncompressedAndVaries(EmbeddedChannel ch) {
    FullHttpResponse out = ch.readOutbound();
    assertThat(out.headers().contains(HttpHeaderNames.CONTENT_ENCODING)).isFalse();
    assertThat(out.headers().get(HttpHeaderNames.VARY)).isEqualToIgnoringCase("accept-encoding");
    assertThat(out.content().readableBytes()).isEqualTo(TEXT.length);
    out.release();
  }

  /** The next response's {@code Content-Encoding}; its head and contents are read and released. */
  private static String readEncoding(EmbeddedChannel ch) {
    HttpResponse head = ch.readOutbound();
    String coding = head.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    ReferenceCountUtil.release(head);
    Object more;
    while ((more = ch.readOutbound()) != null) {
      ReferenceCountUtil.release(more);
    }
    return coding;
  }

  /** The connection read {@code req}: the compressor is told, and the request stays the caller's. */
  private static void requested(EmbeddedChannel ch, DefaultFullHttpRequest req) throws Exception {
    ch.pipeline().get(ResponseCompressor.class).requested(req);
    assertThat(req.refCnt()).isEqualTo(1);
    req.release();
  }

  @Test
  void requestsDoNotCrossItOnTheirWayIn() {
    assertThat(new ResponseCompressor(Compression.on())).isNotInstanceOf(ChannelInboundHandler.class);
  }

  @Test
  void aClosingEmptyAnswerBeforeAnyRequestPassesUntouched() {
    EmbeddedChannel ch = new EmbeddedChannel(new ResponseCompressor(Compression.on()));
    var timeout = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT);
    timeout.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    assertThat(ch.writeOutbound(timeout)).isTrue(); // Netty's encoder alone fails: no request to pair it with
    FullHttpResponse out = ch.readOutbound();
    assertThat(out.status().code()).isEqualTo(408);
    out.release();
  }

  @Test
  void partialContentAndDisallowedResponsesAreNotCompressed() throws Exception {
    EmbeddedChannel ch = channelAfterRequest();
    FullHttpResponse partial = response(206, "text/plain");
    partial.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes 0-99/1000");
    ch.writeOutbound(partial);
    FullHttpResponse out = ch.readOutbound();
    assertThat(out.headers().contains(HttpHeaderNames.CONTENT_ENCODING)).isFalse();
    out.release();

    EmbeddedChannel route = channelAfterRequest();
    ResponseCompressor compressor = route.pipeline().get(ResponseCompressor.class);
    route.writeOutbound(compressor.switchTo(false), response(200, "text/plain"));
    FullHttpResponse off = route.readOutbound();
    assertThat(off.headers().contains(HttpHeaderNames.CONTENT_ENCODING)).isFalse();
    assertThat(off.content().readableBytes()).isEqualTo(TEXT.length);
    off.release();
  }

  @Test
  void anAllowedTextResponseIsGzippedAndVaries() throws Exception {
    EmbeddedChannel ch = channelAfterRequest();
    ch.writeOutbound(response(200, "application/json"));
    HttpResponse head = ch.readOutbound(); // compressed, the head and its content go separately
    assertThat(head.headers().get(HttpHeaderNames.CONTENT_ENCODING)).isEqualTo("gzip");
    assertThat(head.headers().get(HttpHeaderNames.VARY)).isEqualToIgnoringCase("accept-encoding");
    int compressed = head instanceof HttpContent c ? c.content().readableBytes() : 0;
    ReferenceCountUtil.release(head);
    Object more;
    while ((more = ch.readOutbound()) != null) {
      compressed += ((HttpContent) more).content().readableBytes();
      ReferenceCountUtil.release(more);
    }
    assertThat(compressed).isPositive().isLessThan(TEXT.length / 10);
  }

  @Test
  void aConnectionWhoseRequestsNeverAskForAnEncodingNeverMakesNettysEncoder() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(new ResponseCompressor(Compression.on()));
    ResponseCompressor compressor = ch.pipeline().get(ResponseCompressor.class);
    for (int i = 0; i < 3; i++) {
      requested(ch, new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
      ch.writeOutbound(response(200, "text/plain"));
      assertUncompressedAndVaries(ch);
    }
    assertThat(compressor.madeEncoder()).isFalse();

    var gzip = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    gzip.headers().set(HttpHeaderNames.ACCEPT_ENCODING, "gzip");
    requested(ch, gzip);
    assertThat(compressor.madeEncoder()).isTrue();
    ch.writeOutbound(response(200, "text/plain"));
    assertThat(readEncoding(ch)).isEqualTo("gzip");
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aRequestWithoutAcceptEncodingSkipsTheEncoderAndItsResponseStillVaries() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(new ResponseCompressor(Compression.on()));
    var plain = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    var gzip = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    gzip.headers().set(HttpHeaderNames.ACCEPT_ENCODING, "gzip");
    requested(ch, plain); // pipelined: the answers must pair with them in order
    requested(ch, gzip);

    ch.writeOutbound(response(200, "text/plain"));
    assertUncompressedAndVaries(ch);

    ch.writeOutbound(response(200, "text/plain"));
    assertThat(readEncoding(ch)).isEqualTo("gzip");

    var small = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    requested(ch, small);
    var tiny = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        Unpooled.wrappedBuffer("hi".getBytes(StandardCharsets.UTF_8)));
    tiny.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
    ch.writeOutbound(tiny);
    FullHttpResponse below = ch.readOutbound();
    assertThat(below.headers().contains(HttpHeaderNames.VARY)).isFalse(); // below minSize: never compressed
    below.release();
  }
}

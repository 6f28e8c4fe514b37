package dev.lanes.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.http.Response;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A whole response written straight to bytes is, byte for byte, what the general path writes:
 * the same response through a Netty header map and Netty's encoder.
 */
class EncodedResponseTest {
  private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

  @Test
  void sameBytesAsNettysEncoderForEveryShapeOfResponse() {
    compareEveryShape();
  }

  @Test
  void sameBytesOnAnEventLoopThreadWhereHeadsShareOneScratchArray() {
    FastThreadLocalThread.runWithFastThreadLocal(() -> {
      assertThat(FastThreadLocalThread.currentThreadHasFastThreadLocal()).isTrue();
      compareEveryShape();
      compareEveryShape(); // the scratch array holds the previous head's bytes
    });
  }

  private static void compareEveryShape() {
    List<Response> responses = List.of(
        Response.text("Hello, World!"),
        Response.bytes(BODY),
        Response.bytes(new byte[0], "application/octet-stream"),
        Response.status(204),
        Response.status(304).withHeader("ETag", "\"v1\""),
        Response.text(404, "Not Found"),
        Response.bytes(BODY, "text/plain").withStatus(599),
        Response.text("x").withHeader("Set-Cookie", "a=1").withHeader("Set-Cookie", "b=2")
            .withHeader("X-Name", "caf\u00e9 \u2603"),
        // the server's own headers replace a handler's of the same name, in any case
        Response.text("x").withHeader("Date", "yesterday").withHeader("CONTENT-LENGTH", "99")
            .withHeader("connection", "upgrade").withHeader("X-After", "1"),
        Response.status(204).withHeader("Content-Length", "0"),
        // the body's framing is the server's: a handler's Transfer-Encoding does not go out
        Response.text("x").withHeader("Transfer-Encoding", "chunked").withHeader("Content-Length", "7"),
        Response.bytes(BODY, "text/plain").withStatus(304).withHeader("Transfer-Encoding", "chunked"),
        Response.bytes(BODY, "text/plain").withStatus(204).withHeader("Transfer-Encoding", "gzip"),
        Response.bytes(BODY, "text/plain").withStatus(304).withHeader("Content-Length", "13"),
        Response.bytes(BODY, "text/plain").withStatus(205).withHeader("Content-Length", "13")
            .withHeader("Transfer-Encoding", "gzip"),
        Response.status(205),
        Response.text("x").withHeader("Content-Range", "bytes 0-0/1").withHeader("Vary", "Origin"),
        // heads larger than the encoder's scratch array
        Response.text("x").withHeader("X-Long", "v".repeat(5000)),
        Response.bytes(BODY, "text/plain; profile=" + "p".repeat(2000)));
    for (Response response : responses) {
      for (boolean head : new boolean[] {false, true}) {
        for (boolean keepAlive : new boolean[] {false, true}) {
          for (boolean http11 : new boolean[] {false, true}) {
            for (boolean vary : new boolean[] {false, true}) {
              byte[] data = ((dev.lanes.http.ResponseBody.Bytes) response.body()).data();
              boolean withBody = !head && data.length > 0;
              String expected = viaNetty(response, data, withBody, keepAlive, http11, vary);
              EncodedResponse encoded = EncodedResponse.of(ByteBufAllocator.DEFAULT, response, data, data.length, withBody,
                  keepAlive, http11, vary, DateHeader.now());
              String actual = text(encoded.content());
              encoded.release();
              assertThat(withoutDate(actual))
                  .as("%s head=%s keepAlive=%s http11=%s vary=%s", response, head, keepAlive, http11, vary)
                  .isEqualTo(withoutDate(expected));
              assertThat(actual).containsPattern("\r\ndate: [A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} ");
            }
          }
        }
      }
    }
  }

  @Test
  void encoderPassesItOnAndAnswersTheOldestRequest() {
    ConnectionTimeouts timeouts = new ConnectionTimeouts(java.time.Duration.ofHours(1),
        java.time.Duration.ofHours(1), java.time.Duration.ofHours(1), 0, new dev.lanes.internal.server.Admission());
    ResponseEncoder.Methods methods = new ResponseEncoder.Methods();
    methods.requested(io.netty.handler.codec.http.HttpMethod.GET);
    methods.requested(io.netty.handler.codec.http.HttpMethod.HEAD);
    EmbeddedChannel ch = new EmbeddedChannel(new ResponseEncoder(timeouts, methods));
    ch.writeOutbound(EncodedResponse.of(ByteBufAllocator.DEFAULT, Response.text("a"), new byte[] {'a'}, 1, true,
        true, true, false, DateHeader.now()));
    ByteBuf out = ch.readOutbound();
    assertThat(text(out)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\na");
    out.release();
    // the GET was answered: the next response pairs with the HEAD and has no body
    ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        Unpooled.copiedBuffer(BODY)));
    ByteBuf head = ch.readOutbound();
    assertThat(text(head)).startsWith("HTTP/1.1 200 OK\r\n");
    head.release();
    ByteBuf rest;
    while ((rest = ch.readOutbound()) != null) {
      assertThat(rest.readableBytes()).as("a body after the answer to HEAD").isZero();
      rest.release();
    }
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  /** The general path: Http1ExchangeCodec's header copy into a Netty response, Netty's encoder. */
  private static String viaNetty(Response response, byte[] data, boolean withBody, boolean keepAlive,
      boolean http11, boolean vary) {
    var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, ReasonPhrases.status(response.status()),
        withBody ? Unpooled.wrappedBuffer(data) : Unpooled.EMPTY_BUFFER,
        DefaultHttpHeadersFactory.headersFactory().withValidation(false).newEmptyHeaders(),
        EmptyHttpHeaders.INSTANCE);
    Http1ExchangeCodec.copyHeaders(response, res.headers(), keepAlive, http11, DateHeader.now());
    if (Http1ExchangeCodec.hasBody(response.status())) {
      res.headers().set(HttpHeaderNames.CONTENT_LENGTH, AsciiValues.length(data.length));
    }
    if (vary) {
      res.headers().add(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING); // as the compressor adds it
    }
    EmbeddedChannel ch = new EmbeddedChannel(new HttpResponseEncoder());
    ch.writeOutbound(res);
    List<String> parts = new ArrayList<>();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      parts.add(text(b));
      b.release();
    }
    ch.finishAndReleaseAll();
    return String.join("", parts);
  }

  private static String text(ByteBuf buf) {
    return buf.toString(StandardCharsets.ISO_8859_1);
  }

  private static String withoutDate(String wire) {
    return wire.replaceFirst("\r\ndate: [^\r]*\r\n", "\r\ndate: -\r\n");
  }
}

package dev.lanes.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.internal.server.Admission;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The check between raw bytes and Netty's codec: fed whole or one byte at a time, it refuses a
 * nameless chunk extension and leaves everything else exactly as the codec decodes it.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ChunkLineCheckTest {
  private static final String CHUNKED = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";

  /** The check in the decoder the server's pipeline has it in, decoding by {@code config}. */
  private static EmbeddedChannel channel(HttpDecoderConfig config) {
    ConnectionTimeouts timeouts = new ConnectionTimeouts(Duration.ofHours(1), Duration.ofHours(1),
        Duration.ofHours(1), 0, new Admission());
    return new EmbeddedChannel(new RequestDecoder(config, timeouts, new ChunkLineCheck(4096),
        new RequestValidator(Long.MAX_VALUE, 1000), new ResponseEncoder.Methods()));
  }

  /** What came out of the codec, one line per message: a head, body text, or the failure. */
  private static List<String> decode(String bytes, boolean byteByByte) {
    EmbeddedChannel ch = channel(new HttpDecoderConfig().setStrictLineParsing(true));
    byte[] raw = bytes.getBytes(StandardCharsets.ISO_8859_1);
    if (byteByByte) {
      for (byte b : raw) {
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
      }
    } else {
      ch.writeInbound(Unpooled.wrappedBuffer(raw));
    }
    List<String> out = new ArrayList<>();
    StringBuilder body = new StringBuilder(); // pieces of one body, however the codec split it
    for (Object m; (m = ch.readInbound()) != null; ) {
      boolean failed = m instanceof DecoderResultProvider p && p.decoderResult().isFailure();
      if (m instanceof HttpContent c) {
        body.append(c.content().toString(StandardCharsets.ISO_8859_1));
      }
      if (failed || m instanceof HttpRequest || m instanceof LastHttpContent) {
        if (!body.isEmpty()) {
          out.add(body.toString());
          body.setLength(0);
        }
      }
      if (failed) {
        Throwable cause = ((DecoderResultProvider) m).decoderResult().cause();
        out.add("failed " + (cause instanceof RejectedRequest bad ? bad.status() + " " : "")
            + cause.getMessage());
      } else if (m instanceof HttpRequest req) {
        out.add(req.method() + " " + req.uri());
      } else if (m instanceof LastHttpContent) {
        out.add("end");
      }
      ReferenceCountUtil.release(m);
    }
    ch.finishAndReleaseAll();
    return out;
  }

  private static List<String> both(String bytes) {
    List<String> whole = decode(bytes, false);
    assertThat(decode(bytes, true)).as("fed one byte at a time").isEqualTo(whole);
    return whole;
  }

  @ParameterizedTest
  @ValueSource(strings = {"5;", "5; ", "5;=x", "5 ;\t", "5;a;", "5;a=\"q;\";"})
  void aNamelessExtensionIsRefusedAndNothingAfterItIsDecoded(String sizeLine) {
    List<String> out = both(CHUNKED + sizeLine + "\r\nhello\r\n0\r\n\r\n"
        + "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n");
    assertThat(out).containsExactly("POST /", "failed 400 " + ChunkLineCheck.NAMELESS);
  }

  @Test
  void aNamelessExtensionOnTheLastChunkIsRefusedToo() {
    assertThat(both(CHUNKED + "5\r\nhello\r\n0;\r\n\r\n"))
        .containsExactly("POST /", "hello", "failed 400 " + ChunkLineCheck.NAMELESS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "5;a", "5;a=b", "5 ; a = b", "5;a=\"x;y\\\";\";b", "5;a;b=c", "05;!#$%&'*+-.^_`|~"})
  void namedExtensionsPassUntouched(String sizeLine) {
    assertThat(both(CHUNKED + sizeLine + "\r\nhello\r\n0\r\n\r\n"))
        .containsExactly("POST /", "hello", "end");
  }

  @Test
  void chunkDataThatLooksLikeASizeLineIsData() {
    String data = ";\r\n5;\r\n\r\n";
    String body = Integer.toHexString(data.length()) + "\r\n" + data + "\r\n0\r\n\r\n";
    assertThat(both(CHUNKED + body)).containsExactly("POST /", data, "end");
  }

  @Test
  void aFixedLengthBodyIsNeverReadAsChunkLines() {
    String body = "\r\n\r\n5;\r\n";
    List<String> out = both("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length()
        + "\r\n\r\n" + body + CHUNKED + "3;ok\r\nabc\r\n0\r\n\r\n");
    assertThat(out).containsExactly("POST /", body, "end", "POST /", "abc", "end");
  }

  @Test
  void trailersAndPipelinedChunkedRequestsKeepTheirFraming() {
    String first = CHUNKED + "2\r\nab\r\n1;x=1\r\nc\r\n0\r\nX-Trailer: t\r\n\r\n";
    String second = "\r\n" + CHUNKED + "3\r\ndef\r\n0\r\n\r\n";
    String third = CHUNKED + "1;\r\ng\r\n0\r\n\r\n";
    assertThat(both(first + second + third)).containsExactly(
        "POST /", "abc", "end",
        "POST /", "def", "end",
        "POST /", "failed 400 " + ChunkLineCheck.NAMELESS);
  }

  @Test
  void afterACodecFailureTheCodecAloneDecides() {
    // A bad chunk size is the codec's to refuse; the check steps aside and adds nothing.
    List<String> out = both(CHUNKED + "zz\r\nab\r\n0\r\n\r\n");
    assertThat(out).hasSize(2);
    assertThat(out.get(0)).isEqualTo("POST /");
    assertThat(out.get(1)).startsWith("failed ").doesNotContain(ChunkLineCheck.NAMELESS);
  }

  @Test
  void bytesAfterARefusalAreReleased() {
    EmbeddedChannel ch = channel(new HttpDecoderConfig());
    ch.writeInbound(Unpooled.copiedBuffer(CHUNKED + "5;\r\n", StandardCharsets.ISO_8859_1));
    ByteBuf later = Unpooled.copiedBuffer("hello\r\n", StandardCharsets.ISO_8859_1);
    ch.writeInbound(later);
    assertThat(later.refCnt()).isZero();
    ch.finishAndReleaseAll();
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "5;a", "5;a=\";\"", "5;a=\"\\\"\"", "a ; b"})
  void namedOrNoExtensions(String line) {
    assertThat(ChunkLineCheck.hasNamelessExtension(line + "\r")).isFalse();
  }

  @Test
  void chunkSizeIsReadAsTheDecoderReadsIt() {
    assertThat(ChunkLineCheck.chunkSize("1aF;x\r")).isEqualTo(0x1af);
    assertThat(ChunkLineCheck.chunkSize(" 5\r")).isEqualTo(5);
    assertThat(ChunkLineCheck.chunkSize(";x\r")).isEqualTo(-1);
    assertThat(ChunkLineCheck.chunkSize("fffffffff\r")).isEqualTo(-1);
  }
}

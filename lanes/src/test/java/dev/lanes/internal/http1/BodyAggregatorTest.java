package dev.lanes.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BodyAggregatorTest {
  private static final int LIMIT = 5;

  private static HttpRequest chunkedPost() {
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
    req.headers().set(HttpHeaderNames.HOST, "a").set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
    return req;
  }

  private static DefaultHttpContent chunk(String s) {
    return new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII));
  }

  private static LastHttpContent last(String s) {
    return new DefaultLastHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII));
  }

  @Test
  void aChunkedBodyUpToTheLimitIsAggregated() {
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(LIMIT, () -> false, () -> { }));
    ch.writeInbound(chunkedPost(), chunk("ab"), chunk("c"), last("de"));
    FullHttpRequest full = ch.readInbound();
    try {
      assertThat(full.decoderResult().isSuccess()).isTrue();
      assertThat(full.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abcde");
      assertThat(full.uri()).isEqualTo("/up");
    } finally {
      full.release();
    }
    assertThat(ch.outboundMessages()).isEmpty();
    assertThat(ch.isOpen()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void aWholeRequestGoesStraightOnAndABodyTheAggregatorsWay() {
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(LIMIT, () -> false, () -> { }));
    FullHttpRequest whole = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a");
    ch.writeInbound(whole);
    assertThat(ch.<Object>readInbound()).isSameAs(whole);
    whole.release();

    HttpRequest post = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
    post.headers().set(HttpHeaderNames.HOST, "a").setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
    ch.writeInbound(post, last("xy"));
    FullHttpRequest withBody = ch.readInbound();
    assertThat(withBody.content().toString(StandardCharsets.US_ASCII)).isEqualTo("xy");
    withBody.release();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void onlyAHeadThatAnnouncesNoBodyIsMadeWhole() {
    HttpRequest get = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a?b=c");
    get.headers().set(HttpHeaderNames.HOST, "a");
    FullHttpRequest full = BodyAggregator.withoutBody(get);
    assertThat(full.uri()).isEqualTo("/a?b=c");
    assertThat(full.content().readableBytes()).isZero();
    assertThat(full.headers().contains(HttpHeaderNames.CONTENT_LENGTH)).as("only what the client sent").isFalse();
    assertThat(full.headers().get(HttpHeaderNames.HOST)).isEqualTo("a");

    for (String[] header : new String[][] {{"Content-Length", "2"}, {"Transfer-Encoding", "chunked"},
        {"Expect", "100-continue"}}) {
      HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
      req.headers().set(header[0], header[1]);
      assertThat(BodyAggregator.withoutBody(req)).as(header[0]).isNull();
    }
    HttpRequest failed = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    failed.setDecoderResult(DecoderResult.failure(new RejectedRequest(400, "bad")));
    assertThat(BodyAggregator.withoutBody(failed)).isNull();
  }

  @Test
  void oneByteOverTheLimitLeavesAsItsRequestFailedWith413AndReadingStops() {
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(LIMIT, () -> false, () -> { }));
    DefaultHttpContent over = chunk("def");
    ch.writeInbound(chunkedPost(), chunk("abc"), over);
    FullHttpRequest refused = ch.readInbound();
    try {
      assertThat(refused.uri()).isEqualTo("/up");
      assertThat(refused.content().readableBytes()).isZero();
      assertThat(refused.decoderResult().cause()).isInstanceOfSatisfying(RejectedRequest.class,
          r -> assertThat(r.status()).isEqualTo(413));
    } finally {
      refused.release();
    }
    assertThat(ch.outboundMessages()).as("answered by the dispatcher, in order, which then closes").isEmpty();
    assertThat(ch.config().isAutoRead()).as("the rest of the body is never read as a request").isFalse();
    assertThat(over.refCnt()).isZero();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBody() {
    // RequestValidator refuses this first in the server; the aggregator alone refuses it too.
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(LIMIT, () -> false, () -> { }));
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
    req.headers().set(HttpHeaderNames.HOST, "a").set(HttpHeaderNames.CONTENT_LENGTH, 6);
    ch.writeInbound(req);
    FullHttpRequest refused = ch.readInbound();
    assertThat(((RejectedRequest) refused.decoderResult().cause()).status()).isEqualTo(413);
    refused.release();
    assertThat(ch.outboundMessages()).isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void aRefusedHeadKeepsItsOwnCauseWhateverItsLengthOrExpectation() {
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(LIMIT, () -> false, () -> { }));
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
    req.headers().set(HttpHeaderNames.CONTENT_LENGTH, 6).set(HttpHeaderNames.EXPECT, "100-continue");
    RejectedRequest cause = new RejectedRequest(400, "Bad Request: HTTP/1.1 needs a Host header");
    req.setDecoderResult(DecoderResult.failure(cause));
    ch.writeInbound(req);
    FullHttpRequest refused = ch.readInbound();
    assertThat(refused.decoderResult().cause()).isSameAs(cause);
    refused.release();
    assertThat(ch.outboundMessages()).as("no 100 Continue, no 413").isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void continueIsHeldBackWhileAnEarlierResponseIsStillBeingWritten() {
    for (boolean pending : new boolean[] {false, true}) {
      var heldBack = new AtomicBoolean();
      EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(LIMIT, () -> pending, () -> heldBack.set(true)));
      HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
      req.headers().set(HttpHeaderNames.HOST, "a").set(HttpHeaderNames.CONTENT_LENGTH, 2)
          .set(HttpHeaderNames.EXPECT, "100-continue");
      ch.writeInbound(req);
      assertThat(heldBack.get()).as("held back only behind earlier responses").isEqualTo(pending);
      if (pending) {
        assertThat(ch.outboundMessages()).as("sent later, behind the earlier responses").isEmpty();
      } else {
        FullHttpResponse cont = ch.readOutbound();
        assertThat(cont.status().code()).isEqualTo(100);
        cont.release();
      }
      ch.writeInbound(last("xy"));
      FullHttpRequest full = ch.readInbound();
      assertThat(full.content().toString(StandardCharsets.US_ASCII)).isEqualTo("xy");
      full.release();
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void anUnsupportedExpectationIsRefusedInOrderWith417() {
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(LIMIT, () -> false, () -> { }));
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
    req.headers().set(HttpHeaderNames.HOST, "a").set(HttpHeaderNames.CONTENT_LENGTH, 2)
        .set(HttpHeaderNames.EXPECT, "something-else");
    ch.writeInbound(req);
    FullHttpRequest refused = ch.readInbound();
    assertThat(((RejectedRequest) refused.decoderResult().cause()).status()).isEqualTo(417);
    refused.release();
    assertThat(ch.outboundMessages()).isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void aFailedLastChunkFailsTheWholeRequestWithItsCause() {
    // How a refused chunk line (ChunkLineCheck) or a codec error reaches the dispatcher.
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(LIMIT, () -> false, () -> { }));
    LastHttpContent failed = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
    RejectedRequest cause = new RejectedRequest(400, ChunkLineCheck.NAMELESS);
    failed.setDecoderResult(DecoderResult.failure(cause));
    ch.writeInbound(chunkedPost(), chunk("ab"), failed);
    FullHttpRequest full = ch.readInbound();
    try {
      assertThat(full.decoderResult().cause()).isSameAs(cause);
    } finally {
      full.release();
    }
    assertThat(ch.outboundMessages()).as("answered by the dispatcher, in order").isEmpty();
    ch.finishAndReleaseAll();
  }
}

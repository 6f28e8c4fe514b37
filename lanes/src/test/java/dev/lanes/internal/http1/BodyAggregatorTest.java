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
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(LIMIT));
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
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(LIMIT));
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
  void oneByteOverTheLimitGets413AndTheConnectionCloses() {
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(LIMIT));
    DefaultHttpContent over = chunk("def");
    ch.writeInbound(chunkedPost(), chunk("abc"), over);
    assertThat(ch.inboundMessages()).as("the request never reaches the app").isEmpty();
    FullHttpResponse r = ch.readOutbound();
    try {
      assertThat(r.status().code()).isEqualTo(413);
      assertThat(r.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
      assertThat(r.headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("0");
      assertThat(r.headers().contains(HttpHeaderNames.DATE)).isTrue();
    } finally {
      r.release();
    }
    assertThat(ch.isOpen()).as("closed: the rest of the body is never read as a request").isFalse();
    assertThat(ch.config().isAutoRead()).isFalse();
    assertThat(over.refCnt()).isZero();
    ch.finishAndReleaseAll();
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBody() {
    // RequestValidator refuses this first in the server; the aggregator alone still closes.
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(LIMIT));
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
    req.headers().set(HttpHeaderNames.HOST, "a").set(HttpHeaderNames.CONTENT_LENGTH, 6);
    ch.writeInbound(req);
    FullHttpResponse r = ch.readOutbound();
    assertThat(r.status().code()).isEqualTo(413);
    r.release();
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void aFailedLastChunkFailsTheWholeRequestWithItsCause() {
    // How a refused chunk line (ChunkLineCheck) or a codec error reaches the dispatcher.
    EmbeddedChannel ch = new EmbeddedChannel(new BodyAggregator(LIMIT));
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

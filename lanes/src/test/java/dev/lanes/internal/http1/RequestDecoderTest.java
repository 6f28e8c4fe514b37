package dev.lanes.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.internal.server.Admission;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's HTTP/1.1 decoder and encoder pair, with the aggregator the decoder adds behind
 * itself as in the server's pipeline: what leaves the decoder per request, and how responses pair with the
 * requests' methods. The checks it runs have their own tests (ChunkLineCheckTest,
 * ConnectionTimeoutsTest, RequestValidatorTest).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RequestDecoderTest {
  private static EmbeddedChannel channel() {
    return channel(new ConnectionTimeouts(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1), 0,
        new Admission()));
  }

  /** With heads to {@code /nowhere} answered from themselves, as no route takes them. */
  private static EmbeddedChannel channel(ConnectionTimeouts timeouts) {
    ResponseEncoder.Methods methods = new ResponseEncoder.Methods();
    return new EmbeddedChannel(
        new RequestDecoder(new HttpDecoderConfig(), timeouts, new ChunkLineCheck(4096),
            new RequestValidator(1000, 100), methods, 1000, head -> head.uri().equals("/nowhere"), head -> -1),
        new ResponseEncoder(timeouts, methods));
  }

  /**
   * A head that expects 100 Continue and is answered from itself leaves alone, before its body,
   * with no 100 written; the body sent anyway and a request behind it are dropped (the connection
   * closes after the answer), and no body timer waits for the body.
   */
  @Test
  void aHeadAnsweredFromItselfLeavesAloneAndWhatFollowsIsDropped() {
    ConnectionTimeouts timeouts = new ConnectionTimeouts(Duration.ofHours(1), Duration.ofHours(1),
        Duration.ofHours(1), 0, new Admission());
    EmbeddedChannel ch = channel(timeouts);
    receive(ch, "POST /nowhere HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
    FullHttpRequest head = ch.readInbound();
    assertThat(head).isInstanceOf(HeadOnlyRequest.class);
    assertThat(head.uri()).isEqualTo("/nowhere");
    assertThat(head.content().readableBytes()).isZero();
    assertThat(sent(ch)).as("no 100 Continue").isEmpty();
    assertThat(timeouts.readingBody()).as("the body is not awaited").isFalse();
    assertThat(timeouts.awaitsResponses()).isTrue();
    receive(ch, "abcGET /a HTTP/1.1\r\nHost: a\r\n\r\n");
    assertThat(ch.inboundMessages()).as("the body and the request behind it are dropped").isEmpty();
    assertThat(ch.pipeline().get(BodyAggregator.class)).as("a head-only request is whole").isNull();
    ch.finishAndReleaseAll();
  }

  /**
   * The body sent anyway in the read that brought such a head is no next head beginning: nothing
   * after the head is read, so no head timer may start for it (it would answer 408 after the
   * answer that closes the connection).
   */
  @Test
  void aBodySentWithAHeadAnsweredFromItselfStartsNoHeadTimer() {
    ConnectionTimeouts timeouts = new ConnectionTimeouts(Duration.ofHours(1), Duration.ofHours(1),
        Duration.ofHours(1), 0, new Admission());
    EmbeddedChannel ch = channel(timeouts);
    receive(ch, "POST /nowhere HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc");
    ReferenceCountUtil.release(ch.readInbound());
    var answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
    answer.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ch.writeAndFlush(answer);
    assertThat(sent(ch)).startsWith("HTTP/1.1 404 ");
    assertThat(timeouts.closesOnDrain(Admission.DRAIN)).as("answered, and no request arriving").isTrue();
    ch.finishAndReleaseAll();
  }

  /** The same head to a path a route takes gets its 100, and its body is read. */
  @Test
  void aHeadARouteTakesGets100AndItsBody() {
    EmbeddedChannel ch = channel();
    receive(ch, "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
    HttpResponse interim = ch.readOutbound(); // written by the aggregator, which sits behind the encoder here
    assertThat(interim.status().code()).isEqualTo(100);
    ReferenceCountUtil.release(interim);
    receive(ch, "abc");
    FullHttpRequest full = ch.readInbound();
    assertThat(full).isNotInstanceOf(HeadOnlyRequest.class);
    assertThat(full.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
    full.release();
    ch.finishAndReleaseAll();
  }

  /** HTTP/1.0 ignores the expectation (RFC 9110 10.1.1): its body is read, the head not answered alone. */
  @Test
  void anHttp10HeadIsNotAnsweredAlone() {
    EmbeddedChannel ch = channel();
    receive(ch, "POST /nowhere HTTP/1.0\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc");
    FullHttpRequest full = ch.readInbound();
    assertThat(full).isNotInstanceOf(HeadOnlyRequest.class);
    assertThat(full.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
    full.release();
    assertThat(sent(ch)).isEmpty();
    ch.finishAndReleaseAll();
  }

  private static void receive(EmbeddedChannel ch, String bytes) {
    ch.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
  }

  /** What the server wrote, as text. */
  private static String sent(EmbeddedChannel ch) {
    StringBuilder out = new StringBuilder();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      out.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    return out.toString();
  }

  /** A response head with a chunked body, then the body's end: what a stream of unknown length writes. */
  private static void chunkedResponse(EmbeddedChannel ch) {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    ch.write(head);
    ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
  }

  @Test
  void requestsWithAndWithoutBodiesLeaveWholeAndInOrder() {
    EmbeddedChannel ch = channel();
    receive(ch, "GET /a?b=c HTTP/1.1\r\nHost: a\r\n\r\n"
        + "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nxy"
        + "DELETE /d HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
    FullHttpRequest get = ch.readInbound();
    assertThat(get.method()).isEqualTo(HttpMethod.GET);
    assertThat(get.uri()).isEqualTo("/a?b=c");
    assertThat(get.content().readableBytes()).isZero();
    assertThat(get.headers().contains(HttpHeaderNames.CONTENT_LENGTH)).as("only what the client sent").isFalse();
    assertThat(get.headers().get(HttpHeaderNames.HOST)).isEqualTo("a");
    get.release();
    FullHttpRequest post = ch.readInbound();
    assertThat(post.content().toString(StandardCharsets.US_ASCII)).isEqualTo("xy");
    post.release();
    FullHttpRequest delete = ch.readInbound();
    assertThat(delete.method()).isEqualTo(HttpMethod.DELETE);
    delete.release();
    assertThat(ch.<Object>readInbound()).isNull();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void theAggregatorJoinsRightBehindTheDecoderAtTheFirstRequestWithABody() {
    EmbeddedChannel ch = channel();
    receive(ch, "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n");
    assertThat(ch.pipeline().get(ConnectionSetup.AGGREGATE)).as("whole requests need none").isNull();
    ch.<FullHttpRequest>readInbound().release();
    ch.<FullHttpRequest>readInbound().release();

    receive(ch, "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhe");
    assertThat(ch.pipeline().names().subList(0, 2)).containsExactly(
        ch.pipeline().context(RequestDecoder.class).name(), ConnectionSetup.AGGREGATE);
    assertThat(ch.<Object>readInbound()).as("the body is still arriving").isNull();
    receive(ch, "llo");
    FullHttpRequest post = ch.readInbound();
    assertThat(post.content().toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
    post.release();

    receive(ch, "GET /c HTTP/1.1\r\nHost: a\r\n\r\n");
    FullHttpRequest after = ch.readInbound();
    assertThat(after.uri()).isEqualTo("/c");
    after.release();
    assertThat(ch.pipeline().names()).containsOnlyOnce(ConnectionSetup.AGGREGATE);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  /** A direct buffer without a memory address, as reads are on Java 25 (Netty without Unsafe). */
  private static ByteBuf direct(String bytes) {
    byte[] b = bytes.getBytes(StandardCharsets.ISO_8859_1);
    return Unpooled.wrappedBuffer(java.nio.ByteBuffer.allocateDirect(b.length).put(b).flip());
  }

  @Test
  void directReadsSplitAnywhereAreDecodedAndReleased() {
    EmbeddedChannel ch = channel();
    ByteBuf first = direct("POST /up HTTP/1.1\r\nHost: a\r\nX-Long: ");
    ByteBuf second = direct("0123456789\r\nContent-Length: 5\r\n\r\nhel");
    ByteBuf third = direct("lo" + "GET /next HTTP/1.1\r\nHost: b\r\n\r\n");
    ch.writeInbound(first);
    ch.writeInbound(second);
    ch.writeInbound(third);
    FullHttpRequest post = ch.readInbound();
    assertThat(post.headers().get("X-Long")).isEqualTo("0123456789");
    assertThat(post.content().toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
    post.release();
    FullHttpRequest next = ch.readInbound();
    assertThat(next.uri()).isEqualTo("/next");
    next.release();
    assertThat(first.refCnt() + second.refCnt() + third.refCnt()).as("every read released").isZero();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aReadIntoAnEmptyCumulationIsCopiedToTheHeapAndARestIsMergedAfterIt() {
    ByteBufAllocator alloc = UnpooledByteBufAllocator.DEFAULT;
    ByteBuf read = direct("GET / HTTP/1.1\r\n");
    ByteBuf heap = RequestDecoder.HEAP_CUMULATOR.cumulate(alloc, Unpooled.EMPTY_BUFFER, read);
    assertThat(heap.hasArray()).isTrue();
    assertThat(heap.toString(StandardCharsets.ISO_8859_1)).isEqualTo("GET / HTTP/1.1\r\n");
    assertThat(read.refCnt()).isZero();

    heap.skipBytes(4); // a partial head stays readable: the next read is appended to it
    ByteBuf more = direct("Host: a\r\n");
    ByteBuf merged = RequestDecoder.HEAP_CUMULATOR.cumulate(alloc, heap, more);
    assertThat(merged.toString(StandardCharsets.ISO_8859_1)).isEqualTo("/ HTTP/1.1\r\nHost: a\r\n");
    assertThat(merged.hasArray()).as("a partial head's copy grows on the heap").isTrue();
    assertThat(more.refCnt()).isZero();
    merged.release();

    ByteBuf onHeap = Unpooled.copiedBuffer("x", StandardCharsets.ISO_8859_1);
    assertThat(RequestDecoder.HEAP_CUMULATOR.cumulate(alloc, Unpooled.EMPTY_BUFFER, onHeap))
        .as("a heap read is used as it is").isSameAs(onHeap);
    onHeap.release();
  }

  @Test
  void aResponseToHeadHasNoBodyNotEvenALastChunk() {
    EmbeddedChannel ch = channel();
    receive(ch, "HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    ch.inboundMessages().forEach(m -> ((FullHttpRequest) m).release());
    ch.inboundMessages().clear();
    chunkedResponse(ch);
    assertThat(sent(ch)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("chunked\r\n\r\n");
    chunkedResponse(ch); // the GET's
    assertThat(sent(ch)).endsWith("chunked\r\n\r\n0\r\n\r\n");
    ch.finishAndReleaseAll();
  }

  @Test
  void anInterimResponseTakesNoRequestsMethod() {
    EmbeddedChannel ch = channel();
    receive(ch, "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
    ((FullHttpRequest) ch.readInbound()).release();
    ch.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    assertThat(sent(ch)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
    chunkedResponse(ch);
    assertThat(sent(ch)).as("still the HEAD's answer").endsWith("chunked\r\n\r\n");
    ch.finishAndReleaseAll();
  }

  @Test
  void aBadHeadIsMarkedAndWhatFollowsIsDropped() {
    EmbeddedChannel ch = channel();
    receive(ch, "GET / HTTP/1.1\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n");
    FullHttpRequest bad = ch.readInbound();
    assertThat(bad.decoderResult().cause()).isInstanceOf(RejectedRequest.class)
        .hasMessage("Bad Request: HTTP/1.1 needs a Host header");
    bad.release();
    assertThat(ch.<Object>readInbound()).as("never parsed as a request").isNull();
    assertThat(ch.config().isAutoRead()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void aHeadCutOffByTheCloseLeavesFailedAndABodyCutOffNever() {
    EmbeddedChannel ch = channel();
    receive(ch, "GET / HTTP/1.1\r\nHo");
    ch.pipeline().fireChannelInactive();
    FullHttpRequest cut = ch.readInbound();
    assertThat(cut.decoderResult().cause()).isInstanceOf(PrematureChannelClosureException.class);
    cut.release();
    assertThat(ch.finishAndReleaseAll()).isFalse();

    EmbeddedChannel body = channel();
    receive(body, "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
    body.pipeline().fireChannelInactive();
    assertThat(body.inboundMessages()).as("the aggregator drops what it gathered").isEmpty();
    assertThatThrownBy(body::checkException).isInstanceOf(PrematureChannelClosureException.class);
    assertThat(body.finishAndReleaseAll()).isFalse();
  }

  private static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

  /**
   * Nothing after an upgrade request is decoded while it waits for its answer (after a 101 it is
   * the WebSocket's); an upgrade answered otherwise lets the requests behind it through, in order.
   */
  @Test
  void whatFollowsAnUpgradeRequestWaitsForItsAnswer() {
    EmbeddedChannel ch = channel();
    receive(ch, UPGRADE + "GET /after HTTP/1.1\r\nHost: a\r\n\r\n");
    FullHttpRequest upgrade = ch.readInbound();
    assertThat(upgrade.uri()).isEqualTo("/ws");
    upgrade.release();
    Object held = ch.readInbound();
    assertThat(held).as("held").isNull();
    assertThat(ch.config().isAutoRead()).as("a little held: reading goes on").isTrue();
    ch.pipeline().get(RequestDecoder.class).decodeRestAfterUpgrade();
    ch.runPendingTasks();
    FullHttpRequest after = ch.readInbound();
    assertThat(after.uri()).isEqualTo("/after");
    after.release();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  /** What waits for an upgrade's answer is bounded: past {@link RequestDecoder#HELD_LIMIT} reading pauses. */
  @Test
  void pastTheHeldLimitReadingPauses() {
    EmbeddedChannel ch = channel();
    receive(ch, UPGRADE + "x".repeat(RequestDecoder.HELD_LIMIT));
    FullHttpRequest upgrade = ch.readInbound();
    upgrade.release();
    Object held = ch.readInbound();
    assertThat(held).isNull();
    assertThat(ch.config().isAutoRead()).isFalse();
    assertThat(ch.pipeline().get(RequestDecoder.class).heldFull()).isTrue();
    ch.finishAndReleaseAll();
  }
}

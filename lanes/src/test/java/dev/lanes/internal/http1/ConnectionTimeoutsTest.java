package dev.lanes.internal.http1;

import dev.lanes.internal.server.Admission;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which timer runs in which phase of a connection. ConnectionTimeouts measures with
 * {@code System.nanoTime()}, not the event loop's clock, so moving EmbeddedChannel's time would
 * only wake a check that then finds nothing due. Instead the timer under test is zero: it is due
 * as soon as it is armed, and fires on the next run of the loop's tasks. A timer that is not
 * armed in a phase (a handler at work, a response owed) cannot fire however due it would be, so
 * every timer is zero there too. The other timers are an hour: never due in a test.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConnectionTimeoutsTest {
  private static final Duration NOW = Duration.ZERO;
  private static final Duration NEVER = Duration.ofHours(1);
  private static final String GET = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

  private final Admission state = new Admission();

  /**
   * A connection just accepted. EmbeddedChannel runs due tasks when it registers a channel and
   * when it starts a read, so the handlers go in afterwards and the connection is announced by
   * hand with auto-read off: the accept-time check first runs when the test lets the loop run,
   * as on a server whose first bytes are already there.
   */
  private EmbeddedChannel channel(Duration head, Duration body, Duration keepAlive) {
    ConnectionTimeouts t = new ConnectionTimeouts(head, body, keepAlive, 0, state);
    EmbeddedChannel ch = new EmbeddedChannel();
    ResponseEncoder.Methods methods = new ResponseEncoder.Methods();
    ch.pipeline().addLast(new RequestDecoder(new HttpDecoderConfig(), t, new ChunkLineCheck(4096),
        new RequestValidator(Long.MAX_VALUE, 1000), methods), new ResponseEncoder(t, methods));
    ch.config().setAutoRead(false);
    ch.pipeline().fireChannelActive();
    return ch;
  }

  private static void receive(EmbeddedChannel ch, String bytes) {
    ch.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
    for (Object m; (m = ch.readInbound()) != null; ) {
      ReferenceCountUtil.release(m); // the decoded request: nobody handles it here
    }
  }

  private static void respond(EmbeddedChannel ch, HttpResponseStatus status) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    ch.writeAndFlush(r);
  }

  /** What the server wrote, as text. */
  private static String sent(EmbeddedChannel ch) {
    StringBuilder out = new StringBuilder();
    for (Object m; (m = ch.readOutbound()) != null; ) {
      out.append(((ByteBuf) m).toString(StandardCharsets.ISO_8859_1));
      ReferenceCountUtil.release(m);
    }
    return out.toString();
  }

  @Test
  void aConnectionThatSendsNothingIsClosedSilentlyAsAHeadTimeout() {
    EmbeddedChannel ch = channel(NOW, NEVER, NEVER);
    ch.runPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    assertThat(sent(ch)).isEmpty();
    assertThat(state.timeouts(Admission.Timeout.REQUEST_HEAD)).isEqualTo(1);
  }

  @Test
  void anIncompleteHeadGets408AndAClose() {
    EmbeddedChannel ch = channel(NOW, NEVER, NEVER);
    receive(ch, "GET / HTTP/1.1\r\nHost: a\r\n");
    ch.runPendingTasks();
    assertThat(sent(ch)).startsWith("HTTP/1.1 408 ").containsIgnoringCase("connection: close");
    assertThat(ch.isOpen()).isFalse();
    assertThat(state.timeouts(Admission.Timeout.REQUEST_HEAD)).isEqualTo(1);
  }

  /**
   * A stalled body ends its request with a refusal in the body's place, for the connection's
   * dispatcher to answer (408, then close) and report like any refused request (TimeoutsTest has
   * the whole connection); the timer itself writes nothing and stops reading.
   */
  @Test
  void aStalledBodyEndsItsRequestWithA408RefusalAndCountsAsABodyTimeout() {
    EmbeddedChannel ch = channel(NEVER, NOW, NEVER);
    ch.writeInbound(Unpooled.copiedBuffer("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nab",
        StandardCharsets.ISO_8859_1));
    ch.runPendingTasks(); // the timer may also have fired within writeInbound's own run of them
    LastHttpContent end = null;
    for (Object m; (m = ch.readInbound()) != null; ) {
      if (m instanceof LastHttpContent last) {
        end = last;
      } else {
        ReferenceCountUtil.release(m); // the head and the two bytes of body that came
      }
    }
    assertThat(end).as("the request ended by the timer").isNotNull();
    assertThat(end.decoderResult().cause())
        .isInstanceOfSatisfying(RejectedRequest.class, r -> assertThat(r.status()).isEqualTo(408));
    ReferenceCountUtil.release(end);
    assertThat(sent(ch)).isEmpty();
    assertThat(ch.config().isAutoRead()).isFalse();
    assertThat(state.timeouts(Admission.Timeout.BODY_READ)).isEqualTo(1);
    assertThat(state.timeouts(Admission.Timeout.REQUEST_HEAD)).isZero();
  }

  @Test
  void noTimerRunsWhileAResponseIsOwedAndKeepAliveStartsAfterIt() {
    EmbeddedChannel ch = channel(NOW, NOW, NOW);
    receive(ch, GET);
    ch.runPendingTasks();
    assertThat(ch.isOpen()).as("the handler is at work: nothing is timed").isTrue();

    respond(ch, HttpResponseStatus.OK);
    assertThat(sent(ch)).startsWith("HTTP/1.1 200 ");
    ch.runPendingTasks();
    assertThat(ch.isOpen()).as("idle after its response: the keep-alive timer ran").isFalse();
    assertThat(sent(ch)).as("an idle connection is closed without a word").isEmpty();
    assertThat(state.timeouts(Admission.Timeout.KEEP_ALIVE)).isEqualTo(1);
    assertThat(state.timeouts(Admission.Timeout.REQUEST_HEAD)).isZero();
  }

  @Test
  void keepAliveWaitsForTheLastOfPipelinedResponses() {
    EmbeddedChannel ch = channel(NOW, NOW, NOW);
    receive(ch, GET + GET);
    respond(ch, HttpResponseStatus.OK);
    ch.runPendingTasks();
    assertThat(ch.isOpen()).as("one response still owed").isTrue();
    respond(ch, HttpResponseStatus.OK);
    ch.runPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    assertThat(state.timeouts(Admission.Timeout.KEEP_ALIVE)).isEqualTo(1);
  }

  @Test
  void anInterim100ContinueIsNotTheResponse() {
    EmbeddedChannel ch = channel(NOW, NOW, NOW);
    receive(ch, GET);
    respond(ch, HttpResponseStatus.CONTINUE);
    ch.runPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    respond(ch, HttpResponseStatus.OK);
    ch.runPendingTasks();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void aPipelinedHeadInProgressIsOnTheHeadTimerNotKeepAlive() {
    EmbeddedChannel ch = channel(NEVER, NEVER, NOW);
    receive(ch, GET);
    receive(ch, "GET / HT"); // the next head has begun before the first response
    respond(ch, HttpResponseStatus.OK);
    ch.runPendingTasks();
    assertThat(ch.isOpen()).as("a head is arriving: its own (long) timer applies").isTrue();
    assertThat(state.timeouts(Admission.Timeout.KEEP_ALIVE)).isZero();
    ch.finishAndReleaseAll();
  }

  /**
   * A body pipelined behind a request still being handled waits for its turn: its timer starts
   * only once the response before it is written (PipelinedTimeoutsTest has the whole connection).
   */
  @Test
  void aPipelinedBodyIsTimedFromItsTurn() {
    EmbeddedChannel ch = channel(NEVER, NOW, NEVER);
    receive(ch, GET + "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nab");
    ch.runPendingTasks();
    assertThat(state.timeouts(Admission.Timeout.BODY_READ)).as("a response is owed before it").isZero();
    respond(ch, HttpResponseStatus.OK);
    ch.runPendingTasks();
    assertThat(state.timeouts(Admission.Timeout.BODY_READ)).as("its turn came, and its body stalled").isEqualTo(1);
    ch.finishAndReleaseAll();
  }

  @Test
  void drainClosesAnIdleConnectionButNotOneWithARequestInFlight() {
    EmbeddedChannel busy = channel(NEVER, NEVER, NEVER);
    receive(busy, GET);
    busy.pipeline().fireUserEventTriggered(Admission.DRAIN);
    assertThat(busy.isOpen()).as("its response is owed").isTrue();
    respond(busy, HttpResponseStatus.OK);
    busy.pipeline().fireUserEventTriggered(Admission.DRAIN);
    assertThat(busy.isOpen()).isFalse();

    EmbeddedChannel midHead = channel(NEVER, NEVER, NEVER);
    receive(midHead, "GET / HTTP/1.1\r\n");
    midHead.pipeline().fireUserEventTriggered(Admission.DRAIN);
    assertThat(midHead.isOpen()).as("a request is arriving").isTrue();
    midHead.finishAndReleaseAll();
  }

  /**
   * A response that passes the encoder once the connection is inactive, before Netty takes its
   * pipeline down (a write task of a producer queued on the loop before the close) starts no
   * keep-alive check: a closed connection keeps no scheduled task, which would hold it in memory
   * until the check ran.
   */
  @Test
  void aResponseWrittenAfterTheConnectionWentInactiveSchedulesNothing() {
    EmbeddedChannel ch = channel(NEVER, NEVER, NEVER);
    receive(ch, GET);
    ch.pipeline().fireChannelInactive(); // as a close does, before the pipeline is taken down
    assertThat(ch.runScheduledPendingTasks()).as("going inactive cancelled every check").isEqualTo(-1);
    respond(ch, HttpResponseStatus.OK);
    assertThat(ch.runScheduledPendingTasks()).as("no check scheduled for a closed connection").isEqualTo(-1);
    ch.finishAndReleaseAll();
  }

  @Test
  void withinAReadBurstNowIsTheTimeOfItsRead() {
    ConnectionTimeouts t = new ConnectionTimeouts(NEVER, NEVER, NEVER, 0, state);
    long before = System.nanoTime();
    t.bytesRead(Unpooled.wrappedBuffer(GET.getBytes(StandardCharsets.ISO_8859_1)));
    long read = t.now();
    assertThat(read).isGreaterThanOrEqualTo(before);
    while (System.nanoTime() == read) {
      Thread.onSpinWait(); // until the clock has moved past the read
    }
    assertThat(t.now()).as("still the burst of that read").isEqualTo(read);
    t.readComplete();
    assertThat(t.now()).as("the clock once the burst is over").isGreaterThan(read);
  }

  @Test
  void theDecoderEndsTheBurstWhenItsReadsComplete() {
    ConnectionTimeouts t = new ConnectionTimeouts(NEVER, NEVER, NEVER, 0, state);
    EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(new HttpDecoderConfig(), t,
        new ChunkLineCheck(4096), new RequestValidator(Long.MAX_VALUE, 1000), new ResponseEncoder.Methods()));
    receive(ch, GET); // a read, then the end of the read burst
    long first = t.now();
    while (System.nanoTime() == first) {
      Thread.onSpinWait();
    }
    assertThat(t.now()).isGreaterThan(first);
    ch.finishAndReleaseAll();
  }

  /** An EmbeddedChannel whose client takes no bytes: what is flushed stays in Netty's outbound buffer. */
  private static final class NotReadByTheClient extends EmbeddedChannel {
    @Override
    protected void doWrite(io.netty.channel.ChannelOutboundBuffer in) {
      // nothing leaves: the kernel's buffers are full
    }
  }

  /**
   * A client that took none of a response (its bytes wait in Netty's buffer, a few KiB: the
   * channel never turned unwritable) then sends half a head: the head timer's 408 queues behind
   * them and its close waits for that write; the send timeout bounds the wait.
   */
  @Test
  void aHeadTimeoutBehindBytesTheClientDoesNotTakeClosesWithinTheSendTimeout() {
    ConnectionTimeouts t = new ConnectionTimeouts(NOW, NEVER, NEVER, 0, state, NOW);
    EmbeddedChannel ch = new NotReadByTheClient();
    ResponseEncoder.Methods methods = new ResponseEncoder.Methods();
    ch.pipeline().addLast(new RequestDecoder(new HttpDecoderConfig(), t, new ChunkLineCheck(4096),
        new RequestValidator(Long.MAX_VALUE, 1000), methods), new ResponseEncoder(t, methods));
    ch.config().setAutoRead(false);
    ch.pipeline().fireChannelActive();
    receive(ch, GET);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        Unpooled.wrappedBuffer(new byte[4096]));
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 4096);
    ch.writeAndFlush(r);
    receive(ch, "GET / HTTP/1.1\r\nHo");
    ch.runPendingTasks(); // the head timer: a 408, stuck behind the response
    ch.runPendingTasks(); // the send watch it armed
    assertThat(state.timeouts(Admission.Timeout.REQUEST_HEAD)).isEqualTo(1);
    assertThat(ch.isOpen()).as("closed by the send timeout").isFalse();
    assertThat(state.timeouts(Admission.Timeout.SEND)).isEqualTo(1);
  }
}

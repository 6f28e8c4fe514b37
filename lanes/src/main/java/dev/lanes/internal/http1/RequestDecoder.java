package dev.lanes.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Netty's request decoder with the connection's read-side checks done in place, so a request
 * crosses no extra pipeline hop for them: every byte read goes to the read timers
 * ({@link ConnectionTimeouts}) first; inside a chunked body the chunk-size line check
 * ({@link ChunkLineCheck}) reads each byte before the decoder does; every decoded message goes to
 * the chunk-size line check (a chunked body starts), the read timers (a head or a body ended) and
 * the {@link RequestValidator} (a bad head is marked failed; after a failure everything is
 * dropped), in that order, before it leaves. A head that announces no body leaves with its empty
 * last content as one full request ({@link BodyAggregator#withoutBody}); a head that expects
 * {@code 100 Continue} and whose final answer it already tells (no route takes it, the server is
 * full) leaves alone as a {@link HeadOnlyRequest}, never sent the 100, and everything after it is
 * dropped: the connection closes after its answer. A head whose route streams its body
 * ({@code RouteOptions.streamedBody}) is checked against that route's limit and leaves as a
 * {@link StreamedHead}, its contents behind it one by one. The first message that is not a whole request
 * brings the {@link BodyAggregator} into the pipeline. The methods of decoded
 * requests go to the {@link ResponseEncoder}, which pairs them with responses in order, as
 * {@code HttpServerCodec} does.
 *
 * <p>Request heads are decoded from a heap copy of what was read ({@link #HEAP_CUMULATOR}) when
 * Netty runs without {@code sun.misc.Unsafe}, as it does by default on Java 25. Bodies are not
 * copied: their bytes are passed on in slices, not parsed one by one.
 */
final class RequestDecoder extends HttpRequestDecoder {
  /**
   * Without Unsafe, every byte the decoder scans in a direct buffer is a bounds-checked NIO call,
   * and every copy out of it (one per header line, into the decoder's line buffer) allocates a
   * duplicate of its NIO view. One copy of a read into a heap array makes both plain
   * array work. Once a partial head waits for more bytes, Netty's merge appends to the copy, which
   * grows on the heap.
   */
  static final Cumulator HEAP_CUMULATOR = RequestDecoder::copyToHeap;
  /**
   * Where the copies come from: plain arrays, not the channel's pool. A head is parsed at once and
   * dropped: a bump in the thread's allocation buffer costs less than the pool's bookkeeping.
   */
  private static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false, true);
  private static final boolean UNSAFE = PlatformDependent.hasUnsafe();
  /** Bytes after an upgrade request held for its answer, at most: past them reading pauses. */
  static final int HELD_LIMIT = 64 * 1024;

  private final ConnectionTimeouts timeouts;
  private final ChunkLineCheck chunkLines;
  private final RequestValidator validator;
  private final ResponseEncoder.Methods methods;
  private final Supplier<BodyAggregator> aggregator; // null: messages leave as decoded
  private final Predicate<HttpRequest> answeredFromHead;
  private final ToLongFunction<HttpRequest> streamedLimit;
  private boolean headOnly; // a request left as its head alone: what follows it is dropped
  private ChannelHandlerContext ctx;
  private boolean closing; // in decodeLast: its own messages are checked once it returns
  private boolean aggregating; // the aggregator is in the pipeline, right behind this (or there is none)
  private boolean upgradeAsked; // the request being decoded asks to become a WebSocket
  private boolean holdingRest; // that request is decoded: what follows waits for its answer

  /**
   * The server's decoder: bodies are aggregated by an aggregator of {@code maxBodySize}; a head
   * that expects {@code 100 Continue} leaves as a {@link HeadOnlyRequest} when
   * {@code answeredFromHead} says so.
   */
  RequestDecoder(HttpDecoderConfig config, ConnectionTimeouts timeouts, ChunkLineCheck chunkLines,
      RequestValidator validator, ResponseEncoder.Methods methods, int maxBodySize,
      Predicate<HttpRequest> answeredFromHead, ToLongFunction<HttpRequest> streamedLimit) {
    this(config, timeouts, chunkLines, validator, methods,
        () -> new BodyAggregator(maxBodySize, timeouts::awaitsResponses, timeouts::continueHeldBack),
        answeredFromHead, streamedLimit);
  }

  /** A decoder alone: heads and body contents leave one by one, as decoded. */
  RequestDecoder(HttpDecoderConfig config, ConnectionTimeouts timeouts, ChunkLineCheck chunkLines,
      RequestValidator validator, ResponseEncoder.Methods methods) {
    this(config, timeouts, chunkLines, validator, methods, null, head -> false, head -> -1);
  }

  private RequestDecoder(HttpDecoderConfig config, ConnectionTimeouts timeouts, ChunkLineCheck chunkLines,
      RequestValidator validator, ResponseEncoder.Methods methods, Supplier<BodyAggregator> aggregator,
      Predicate<HttpRequest> answeredFromHead, ToLongFunction<HttpRequest> streamedLimit) {
    super(config);
    setCumulator(this::cumulate);
    this.timeouts = timeouts;
    this.chunkLines = chunkLines;
    this.validator = validator;
    this.methods = methods;
    this.aggregator = aggregator;
    this.aggregating = aggregator == null;
    this.answeredFromHead = answeredFromHead;
    this.streamedLimit = streamedLimit;
  }

  private ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
    return UNSAFE || timeouts.readingBody()
        ? MERGE_CUMULATOR.cumulate(alloc, cumulation, in)
        : HEAP_CUMULATOR.cumulate(alloc, cumulation, in);
  }

  private static ByteBuf copyToHeap(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
    if (cumulation.isReadable() || cumulation == in || !in.isDirect()) {
      return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
    }
    ByteBuf heap = HEAP.heapBuffer(in.readableBytes());
    try {
      heap.writeBytes(in);
    } finally {
      in.release();
    }
    cumulation.release(); // empty: the shared empty buffer, or one read to its end
    return heap;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    super.handlerAdded(ctx);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    timeouts.start(ctx);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf buf) {
      if (chunkLines.refused() || headOnly) {
        // After a refused chunk-size line, or a request answered from its head, nothing is
        // decoded any more; reading goes on until the connection closes after the answer, so
        // that a body sent anyway is not left unread (a close then resets the connection,
        // which can destroy the answer before the client reads it).
        buf.release();
        return;
      }
      timeouts.bytesRead(buf);
    }
    super.channelRead(ctx, msg);
    if (heldFull()) {
      ctx.channel().config().setAutoRead(false); // what waits for an upgrade's answer stays bounded
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    if (holdingRest) {
      return; // the WebSocket's bytes if the upgrade is accepted (see holdRestAfterUpgrade)
    }
    if (headOnly) {
      buffer.skipBytes(buffer.readableBytes()); // the rest of a read that brought a head answered alone
      return;
    }
    int bad = chunkLines.check(buffer);
    if (bad < 0) {
      decodeChecked(ctx, buffer, out);
      return;
    }
    // A bad chunk-size line: what comes before it is decoded as usual, the failure takes its place.
    while (buffer.readerIndex() < bad) {
      int before = buffer.readerIndex();
      ByteBuf part = buffer.slice(before, bad - before);
      decodeChecked(ctx, part, out);
      if (part.readerIndex() == 0) {
        break;
      }
      buffer.skipBytes(part.readerIndex());
    }
    buffer.skipBytes(buffer.readableBytes());
    out.add(ChunkLineCheck.refusal());
    if (!closing) {
      checkAll(out, out.size() - 1);
    }
  }

  /** One step of Netty's decoder over bytes the chunk-size line check has read, then the checks. */
  private void decodeChecked(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    int from = out.size();
    int before = buffer.readerIndex();
    super.decode(ctx, buffer, out);
    chunkLines.consumed(buffer.readerIndex() - before);
    if (!closing) {
      checkAll(out, from);
      if (buffer.isReadable() && !headOnly) { // after a head answered alone, nothing more is read
        timeouts.bytesLeft();
      }
    }
  }

  /** The connection closed: what the decoder adds for an unfinished request is checked too. */
  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    int from = out.size();
    closing = true;
    try {
      super.decodeLast(ctx, in, out);
    } finally {
      closing = false;
    }
    checkAll(out, from);
  }

  /** Checks the messages of {@code out} from {@code from} on, dropping, folding, in place. */
  private void checkAll(List<Object> out, int from) {
    checkEach(out, from);
    timeouts.decodedStep();
  }

  private void checkEach(List<Object> out, int from) {
    for (int i = from; i < out.size(); i++) {
      Object msg = out.get(i);
      if (headOnly) {
        out.remove(i--);
        ReferenceCountUtil.release(msg);
        continue;
      }
      // A head whose body follows (no empty last content right behind it) on a route that
      // streams its body: its limit, in place of the server's, for the validator's length check.
      // Not one with an expectation the aggregator refuses (417), as it does on any route.
      long streamed = msg instanceof HttpRequest head && !(msg instanceof HttpContent)
          && head.decoderResult().isSuccess()
          && !(i + 1 < out.size() && BodyAggregator.isEmptyLast(out.get(i + 1)))
          && !BodyAggregator.unsupportedExpectation(head)
          ? streamedLimit.applyAsLong(head) : -1;
      if (!checked(msg, streamed)) {
        out.remove(i--);
        continue;
      }
      if (msg instanceof HttpRequest req && !(msg instanceof HttpContent)) {
        if (i + 1 < out.size() && BodyAggregator.isEmptyLast(out.get(i + 1))) {
          FullHttpRequest whole = BodyAggregator.withoutBody(req);
          if (whole != null) {
            Object last = out.remove(i + 1); // a shared constant: nothing to release
            out.set(i, whole);
            checked(last); // after a head that passed, an empty last content always passes
          }
        } else if (req.decoderResult().isSuccess() && HttpUtil.is100ContinueExpected(req)
            && answeredFromHead.test(req)) {
          // Its client waits for 100 Continue, and would be sent it only to be refused.
          out.set(i, new HeadOnlyRequest(req));
          headOnly = true;
          timeouts.endedAtHead();
        } else if (streamed >= 0 && req.decoderResult().isSuccess()) {
          out.set(i, new StreamedHead(req, streamed)); // its contents pass by the aggregator
        }
      }
      if (!aggregating && !(out.get(i) instanceof FullHttpRequest)) {
        addAggregator();
      }
      holdRestAfterUpgrade(out.get(i));
    }
  }

  /**
   * Once a request that asks to become a WebSocket has been decoded whole, nothing after it is
   * decoded until it is answered: after a 101 those bytes are the WebSocket's (RFC 9110 7.8), and
   * Netty's handshake hands what this decoder holds to the frame decoder that takes its place;
   * otherwise {@link #decodeRestAfterUpgrade} decodes them as HTTP/1.1. Reading goes on (a client
   * that leaves is noticed) until {@link #HELD_LIMIT} bytes wait.
   */
  private void holdRestAfterUpgrade(Object msg) {
    if (msg instanceof HttpRequest req && req.decoderResult().isSuccess() && Http1Upgrade.asked(req)) {
      upgradeAsked = true;
    }
    if (upgradeAsked && msg instanceof LastHttpContent) {
      upgradeAsked = false;
      holdingRest = true;
    }
  }

  /** Whether bytes sent after an upgrade request wait here for its answer. */
  boolean holdsBytesAfterUpgrade() {
    return holdingRest && internalBuffer().isReadable();
  }

  /** Whether reading stays paused: as much is held for an upgrade's answer as may be. */
  boolean heldFull() {
    return holdingRest && internalBuffer().readableBytes() >= HELD_LIMIT;
  }

  /**
   * The upgrade request was answered without switching protocols: the requests pipelined behind
   * it are HTTP/1.1 after all, decoded in a task of their own as a read would decode them (the
   * answer may come within a read, which the decoder must not re-enter). The connection turns
   * reading back on.
   */
  void decodeRestAfterUpgrade() {
    if (holdingRest) {
      holdingRest = false;
      ctx.executor().execute(this::decodeHeld);
    }
  }

  private void decodeHeld() {
    if (ctx.isRemoved() || !internalBuffer().isReadable()) {
      return; // closed meanwhile, or a read since decoded it
    }
    try {
      super.channelRead(ctx, Unpooled.EMPTY_BUFFER);
    } catch (Exception e) {
      ctx.fireExceptionCaught(e);
    }
    try {
      channelReadComplete(ctx);
    } catch (Exception e) {
      ctx.fireExceptionCaught(e);
    }
  }

  /**
   * Puts the {@link BodyAggregator} behind this decoder, before the first message that is not a
   * whole request (a head with a body, its content, a failure) leaves. Until then it would only
   * pass whole requests on, so a connection whose requests have no body never pays its hops.
   */
  private void addAggregator() {
    aggregating = true;
    ctx.pipeline().addAfter(ctx.name(), ConnectionSetup.AGGREGATE, aggregator.get());
  }

  /** Runs the checks on one decoded message; false when it was dropped (and released). */
  private boolean checked(Object msg) {
    return checked(msg, -1);
  }

  /** As {@link #checked(Object)}; a streamed body's declared length checked against {@code streamedLimit} (if not -1). */
  private boolean checked(Object msg, long streamedLimit) {
    if (msg instanceof HttpRequest req) {
      methods.requested(req.method());
    }
    chunkLines.decoded(msg);
    timeouts.decoded(msg);
    return streamedLimit < 0 ? validator.passes(ctx, msg) : validator.passes(ctx, msg, streamedLimit);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    try {
      if (heldFull()) {
        // A read that decoded nothing would have ByteToMessageDecoder read again, paused or not.
        ctx.fireChannelReadComplete();
      } else {
        super.channelReadComplete(ctx);
      }
    } finally {
      timeouts.readComplete();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == LingeringClose.STARTED) {
      timeouts.stop(); // the linger bounds the rest; what it reads never reaches these timers
      return;
    }
    if (timeouts.closesOnDrain(evt)) {
      ctx.close(); // idle keep-alive connection: nothing to finish, nothing to say
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (!ctx.channel().isWritable()) {
      timeouts.sendStalled();
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    timeouts.stop();
    super.channelInactive(ctx);
  }

  /** The connection went on as HTTP/2 or became a WebSocket, which keep their own timers. */
  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    timeouts.removed();
    super.handlerRemoved0(ctx);
  }
}

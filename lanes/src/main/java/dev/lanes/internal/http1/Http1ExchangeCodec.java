package dev.lanes.internal.http1;

import dev.lanes.concurrency.Lanes;
import dev.lanes.internal.app.UnsentBodies;
import dev.lanes.internal.exchange.ExchangeCodec;
import dev.lanes.internal.exchange.FileParts;
import dev.lanes.internal.exchange.HeadLength;
import dev.lanes.internal.server.Admission;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.internal.compression.CompressibleTypes;
import dev.lanes.internal.http.VaryField;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.AsciiString;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Writes one exchange's response as HTTP/1.1 messages on its connection, and decides, once per
 * response, whether the connection stays open after it: the client asked for keep-alive, the
 * handler did not say {@code Connection: close}, the server is not draining, and the body's end
 * can be told without closing (a length, chunks, or no body). Called on the connection's event
 * loop; a body produced by blocking code is handed to its lane and written from there. Files go
 * out zero-copy as a {@code FileRegion}, except over TLS (the bytes must pass through the engine)
 * or when they may be compressed: then in chunks. So do the parts of several ranges of a file
 * ({@code multipart/byteranges}, {@link FileParts}), between their texts, without the lane its
 * writer names: a client that reads slowly holds no lane token.
 */
final class Http1ExchangeCodec implements ExchangeCodec {
  // Response headers were validated when the Response was built; do not pay for it twice.
  private static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);
  // How long an aborted response's written bytes may take to leave before the close drops them:
  // a client reading at all takes a chunk in far less.
  private static final long ABORT_GRACE_MILLIS = 2000;

  private final ChannelHandlerContext ctx;
  private final Http1Connection connection;
  private final Lanes lanes;
  private final Admission admission;
  private final boolean head;
  private final boolean http11; // false: an HTTP/1.0 client, which cannot read chunks
  private final boolean keepAliveAsked;
  private final boolean tls;
  private final ResponseCompressor compressor; // null: the server does not compress
  private boolean routeCompresses;
  private String acceptEncoding; // the request's, or null
  private boolean keepAlive;
  private StreamedBody streamed; // the request's body, if streamed, until the response is written
  private boolean written;
  private boolean lingers; // closed after its answer while the client may still be sending its body
  private boolean closeDelimited; // the body sent ends where the connection does (HTTP/1.0, no length)
  private Http1Upgrade upgrade; // the request asked for a WebSocket
  private boolean switched; // the connection is a WebSocket now

  Http1ExchangeCodec(ChannelHandlerContext ctx, Http1Connection connection, Lanes lanes, Admission admission,
      boolean head, boolean http11, boolean keepAliveAsked, boolean tls, ResponseCompressor compressor) {
    this.ctx = ctx;
    this.tls = tls;
    this.compressor = compressor;
    this.connection = connection;
    this.lanes = lanes;
    this.admission = admission;
    this.head = head;
    this.http11 = http11;
    this.keepAliveAsked = keepAliveAsked;
  }

  /** Whether the route lets its responses be compressed, and the client's Accept-Encoding (null: none). */
  void compression(boolean routeAllows, String acceptEncoding) {
    this.routeCompresses = routeAllows;
    this.acceptEncoding = acceptEncoding;
  }

  /**
   * Its answer closes the connection: the request was refused before it could be served, or
   * answered from its head with its body unread.
   */
  void closeAfter() {
    written = true;
    lingers = true; // its body may be on its way: closed as LingeringClose closes
  }

  /**
   * The request's body is streamed to its handler: when the response is written, the rest of
   * the body is skipped, and the connection closes after it unless little is left ({@link StreamedBody#finish}).
   */
  void streamedBody(StreamedBody body) {
    this.streamed = body;
  }

  /** The request asked to become a WebSocket: a route's 101 switches the connection. */
  void offer(Http1Upgrade upgrade) {
    this.upgrade = upgrade;
  }

  /** Whether the request asked to become a WebSocket (answered here without switching, if it ends). */
  boolean upgradeOffered() {
    return upgrade != null;
  }

  /** Whether the connection stays open after this response (decided by {@link #write}). */
  boolean keepAlive() {
    return keepAlive;
  }

  @Override
  public boolean switchesProtocols(Response response) {
    return upgrade != null && !written && upgrade.accepts(response);
  }

  @Override
  public CompletableFuture<Void> write(Response response, Runnable afterSent, long now) {
    if (switchesProtocols(response)) { // else it is final: the exchange refused other 1xx
      written = true;
      switched = true;
      upgrade.switchProtocols(ctx, response, ConnectionSetup.HTTP_HANDLERS, admission);
      if (afterSent != null) {
        afterSent.run();
      }
      return QUEUED;
    }
    if (streamed != null) {
      if (!streamed.finish()) {
        written = true; // too much of its body is left to skip: closed after this response
        lingers = true; // while the client may still be sending it
      }
      streamed = null;
    }
    // Keep-alive is decided here, once; a second write (an error after a refused producer) closes.
    keepAlive = !written && keepAliveAsked && !admission.isDraining()
        && (http11 || head || response.body().length() >= 0) && !closeSaid(response);
    written = true;
    closeDelimited = !http11 && !head && response.body().length() < 0 && hasBody(response.status());
    boolean compress = compressor != null && routeCompresses && http11;
    if (compress && response.status() == 304) {
      // Netty's encoder passes a 304 by: it says the Vary and ETag its 200 would (RFC 9110 15.4.5).
      response = compressor.notModified(response, acceptEncoding);
    } else if (compress && response.status() == 206) {
      response = compressor.partial(response); // a range says the Vary of its 200 (RFC 9110 15.3.7)
    }
    if (compressor != null) {
      // In line with the heads, not a field set now: a head may still wait behind a chunked file.
      Object change = compressor.switchTo(compress);
      if (change != null) {
        ctx.write(change, ctx.voidPromise());
      }
    }
    return switch (response.body()) {
      case ResponseBody.Bytes bytes -> {
        byte[] data = bytes.data();
        boolean withBody = !head && data.length > 0;
        long length = head ? HeadLength.of(response, data.length) : data.length;
        ChannelHandlerContext out = ctx;
        boolean whole = response.status() >= 200;
        boolean vary = false;
        if (whole && compressor != null) {
          // Past the compressor when it would let the response by anyway (no Accept-Encoding).
          ChannelHandlerContext past = connection.writesChunkedFiles() || !ctx.executor().inEventLoop()
              ? null : compressor.pastEncoder(response.status());
          if (past != null) {
            out = past;
            vary = withBody && compressor.varies(response.status(), response.contentType().orElse(null),
                response.header("content-range").isPresent(), response.header("content-encoding").isPresent(),
                data.length);
            if (vary && response.header("vary").isPresent()) {
              // One Vary field with what the handler said; rare, so the encoder's fixed line stays the rule.
              response = response.withoutHeader("Vary").withHeader("Vary", VaryField.in(response.headers(), "accept-encoding"));
              vary = false;
            }
          } else {
            whole = false; // through the compressor, which takes an HttpResponse
          }
        }
        Object message;
        if (whole) {
          message = EncodedResponse.of(ctx.alloc(), response, data, length, withBody, keepAlive, http11, vary,
              DateHeader.at(now));
        } else {
          // No trailers: an in-memory body has none, so no empty header map per response. The
          // small table (2 buckets, not 16) fits the handful of headers a response carries.
          var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
              ReasonPhrases.status(response.status()),
              withBody ? Unpooled.wrappedBuffer(data) : Unpooled.EMPTY_BUFFER, HEADERS.newEmptyHeaders(),
              EmptyHttpHeaders.INSTANCE);
          HttpHeaders h = res.headers();
          copyHeaders(response, h, keepAlive, http11, DateHeader.at(now));
          if (hasBody(response.status())) {
            h.set(HttpHeaderNames.CONTENT_LENGTH, AsciiValues.length(length));
          }
          message = res;
        }
        if (afterSent == null && keepAlive) {
          // Nothing waits for this write: no promise and listener per response. A failure
          // reaches Http1Connection.exceptionCaught, which closes, as CLOSE_ON_FAILURE would.
          out.write(message, out.voidPromise());
        } else {
          end(out.write(message), keepAlive, lingers, afterSent);
        }
        yield QUEUED;
      }
      case ResponseBody.Json json -> throw new IllegalStateException(
          "JSON body not encoded: the exchange encodes it with the app's JsonCodec before writing");
      case ResponseBody.FileRange file -> {
        boolean noContent = head || !hasBody(response.status());
        boolean chunks = !noContent && file.length() > 0 && (tls || compress && acceptEncoding != null
            && response.contentType().map(CompressibleTypes::test).orElse(false));
        // The exchange opened the file before this head: the bytes come from that open file.
        FileChannel channel = file.channel().orElseThrow();
        if (chunks) {
          HttpChunkedInput input = chunked(FileParts.of(file));
          writeHead(ctx, response, keepAlive, http11, file.length());
          end(ctx.writeAndFlush(input), keepAlive, lingers, afterSent); // ends with the last chunk
          yield QUEUED;
        }
        writeHead(ctx, response, keepAlive, http11, file.length());
        if (!noContent && file.length() > 0) {
          ctx.write(new DefaultFileRegion(channel, file.offset(), file.length()));
        }
        end(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive, lingers, afterSent);
        yield QUEUED;
      }
      case ResponseBody.Written w -> {
        if (head || !hasBody(response.status())) { // 204 and 304 have no content either (RFC 9110 6.4.1)
          writeHead(ctx, response, keepAlive, http11, w.length() < 0 && !http11 ? -2 : w.length());
          UnsentBodies.close(lanes, w); // never sent: its source closes in its lane
          end(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive, lingers, afterSent);
          yield QUEUED;
        }
        FileParts parts = FileParts.claim(w);
        if (parts != null) { // several ranges of a file: sent as a single range is, without the lane
          writeParts(response, parts, afterSent);
          yield QUEUED;
        }
        yield ProducedBody.start(ctx, lanes, response, w, keepAlive, lingers, http11, afterSent);
      }
      case ResponseBody.Published published -> {
        writeHead(ctx, response, keepAlive, http11, http11 ? -1 : -2);
        if (head || !hasBody(response.status())) {
          end(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive, lingers, afterSent);
          yield QUEUED;
        }
        ctx.flush();
        boolean keep = keepAlive;
        boolean linger = lingers;
        yield PublisherBody.subscribe(ctx.channel(), published.publisher(),
            () -> end(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keep, linger, afterSent));
      }
    };
  }

  /** A file body as HTTP chunks, read by a chunked writer added to the pipeline on first use. */
  private HttpChunkedInput chunked(FileParts parts) {
    if (!connection.writesChunkedFiles()) {
      // Only connections that send such a file pay for the writer's queue.
      ctx.pipeline().addBefore(ctx.name(), "chunked-files", new ChunkedWriteHandler());
      connection.chunkedFilesAdded();
    }
    return new HttpChunkedInput(new FileChunks(parts));
  }

  /**
   * A {@code multipart/byteranges} body: each part's text, then its bytes zero-copy (in chunks
   * over TLS), all queued at once on the loop, as a single range is; its file stays open until the
   * request's scope closes it. Its parts are never compressed (a 206).
   */
  private void writeParts(Response response, FileParts parts, Runnable afterSent) {
    if (tls) {
      HttpChunkedInput input = chunked(parts);
      writeHead(ctx, response, keepAlive, http11, parts.length());
      end(ctx.writeAndFlush(input), keepAlive, lingers, afterSent);
      return;
    }
    writeHead(ctx, response, keepAlive, http11, parts.length());
    for (FileParts.Segment segment : parts.segments()) {
      ctx.write(switch (segment) {
        case FileParts.Text text -> new DefaultHttpContent(Unpooled.wrappedBuffer(text.bytes()));
        case FileParts.Slice slice -> new OpenFileRegion(parts.file(), slice.offset(), slice.length());
      });
    }
    end(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive, lingers, afterSent);
  }

  @Override
  public void abort(Throwable cause) {
    keepAlive = false;
    if (closeDelimited) {
      // A close would read as the body's end: a reset (no linger) tells the client it was cut.
      ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
    }
    // Close behind what a producer already queued on this loop (its head and chunks), once they
    // are written: io_uring completes a flushed write later, and a close drops what it still holds.
    // A client that does not take them is closed after ABORT_GRACE_MILLIS all the same.
    ctx.executor().execute(() -> {
      ChannelFuture written = ctx.pipeline().firstContext().writeAndFlush(Unpooled.EMPTY_BUFFER);
      if (written.isDone()) {
        ctx.close();
        return;
      }
      var force = ctx.executor().schedule(() -> ctx.close(), ABORT_GRACE_MILLIS, TimeUnit.MILLISECONDS);
      written.addListener(f -> {
        force.cancel(false);
        ctx.close();
      });
    });
  }

  @Override
  public void ended() {
    if (!switched) {
      connection.exchangeEnded(this);
    }
  }

  /** Head of a response whose body follows; length -1 means chunked, -2 means close-delimited. */
  static void writeHead(ChannelHandlerContext ctx, Response response, boolean keepAlive,
      boolean http11, long length) {
    var res = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
        ReasonPhrases.status(response.status()), HEADERS);
    HttpHeaders h = res.headers();
    copyHeaders(response, h, keepAlive, http11, DateHeader.now());
    // 204 and 304 get no framing of the server's (a 304 keeps the handler's, describing the GET).
    if (hasBody(response.status()) && length >= 0) {
      h.set(HttpHeaderNames.CONTENT_LENGTH, AsciiValues.length(length));
    } else if (hasBody(response.status()) && length == -1) {
      h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    ctx.write(res);
  }

  static void end(ChannelFuture lastWrite, boolean keepAlive, boolean linger, Runnable afterSent) {
    if (afterSent != null) {
      lastWrite.addListener(f -> afterSent.run());
    }
    if (!keepAlive && linger) {
      LingeringClose.after(lastWrite); // the client may still be sending the request's body
    } else if (!keepAlive) {
      // Close only once the bytes are out: closing with writes pending would drop them.
      lastWrite.addListener(ChannelFutureListener.CLOSE);
    } else {
      // A response that failed to go out would shift every later one on this connection.
      lastWrite.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
  }

  /**
   * Whether the handler's {@code Connection} header has the {@code close} option: the server
   * must then close after this response and read nothing more (RFC 9112 9.6).
   */
  private static boolean closeSaid(Response response) {
    List<Map.Entry<String, String>> headers = response.headers(); // indexed: no iterator per response
    for (int i = 0; i < headers.size(); i++) {
      Map.Entry<String, String> e = headers.get(i);
      if (e.getKey().equalsIgnoreCase("connection")) {
        for (String option : e.getValue().split(",")) {
          if (option.strip().equalsIgnoreCase("close")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * {@code http11} false means an HTTP/1.0 client, which needs keep-alive said explicitly. The
   * framing of a status with a body is the server's: a handler's {@code Content-Length} or
   * {@code Transfer-Encoding} there would go out beside the server's own (RFC 9112 6.2 forbids
   * both at once) or contradict the body, so neither is copied.
   */
  static void copyHeaders(Response response, HttpHeaders h, boolean keepAlive, boolean http11, AsciiString date) {
    if (NotModifiedHead.sendsType(response.status())) {
      response.contentType().ifPresent(ct -> h.set(HttpHeaderNames.CONTENT_TYPE, AsciiValues.RESPONSES.of(ct)));
    }
    boolean framed = hasBody(response.status());
    for (Map.Entry<String, String> e : response.headers()) {
      if (!framed || !framing(e.getKey())) {
        h.add(e.getKey(), e.getValue());
      }
    }
    h.set(HttpHeaderNames.DATE, date);
    if (!keepAlive) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!http11) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
  }

  /** {@code Content-Length} or {@code Transfer-Encoding}, in any case. */
  static boolean framing(String name) {
    return name.length() == 14 && name.equalsIgnoreCase("content-length")
        || name.length() == 17 && name.equalsIgnoreCase("transfer-encoding");
  }

  static boolean hasBody(int status) {
    return status >= 200 && status != 204 && status != 304;
  }
}

package dev.lanes.internal.http2;

import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.internal.compression.CompressionRule;
import dev.lanes.internal.compression.ContentCodings;
import dev.lanes.internal.app.UnsentBodies;
import dev.lanes.internal.exchange.ExchangeCodec;
import dev.lanes.internal.exchange.FileParts;
import dev.lanes.internal.exchange.HeadLength;
import dev.lanes.internal.http.VaryField;
import dev.lanes.internal.http1.DateHeader;
import dev.lanes.internal.http2.Http2ServerConnection.StreamRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.concurrent.CompletableFuture;

/**
 * Writes one exchange's response on its HTTP/2 stream: a HEADERS frame, then DATA frames under
 * the stream's flow-control window, the last one ending the stream. In-memory bodies are queued
 * at once and flushed once per read burst; files, and the parts of several ranges of one
 * ({@code multipart/byteranges}, without the lane its writer names), are read in chunks on the
 * loop (no {@code FileRegion}: HTTP/2 frames every byte); bodies written by blocking code and published
 * bodies go out as they are produced, their producer held back by the stream's window. An
 * aborted response resets the stream. A compressible body is compressed by the same rules as on
 * HTTP/1.1 ({@code docs/compression.md}). Called on the connection's event loop.
 */
final class Http2ExchangeCodec implements ExchangeCodec {
  private static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
  private static final AsciiString CONTENT_RANGE = AsciiString.cached("content-range");
  private static final AsciiString CONTENT_ENCODING = AsciiString.cached("content-encoding");
  private static final AsciiString ETAG = AsciiString.cached("etag");
  private static final AsciiString ACCEPT_ENCODING = AsciiString.cached("accept-encoding");
  private static final AsciiString VARY = AsciiString.cached("vary");
  private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
  private static final AsciiString ACCEPT_RANGES = AsciiString.cached("accept-ranges");
  private final Http2ServerConnection connection;
  private final StreamRequest stream;
  private final Lanes lanes;
  private final boolean head;

  Http2ExchangeCodec(Http2ServerConnection connection, StreamRequest stream, Lanes lanes, boolean head) {
    this.connection = connection;
    this.stream = stream;
    this.lanes = lanes;
    this.head = head;
  }

  @Override
  public boolean switchesProtocols(Response response) {
    return false; // HTTP/2 has no protocol switch: the exchange refuses a 101 like any 1xx
  }

  @Override
  public CompletableFuture<Void> write(Response handed, Runnable afterSent, long now) {
    connection.responseStarted(stream);
    Response response = switch (handed.status()) {
      case 304 -> notModified(handed);
      case 206 -> partial(handed);
      default -> handed;
    };
    boolean hasBody = Http2ResponseHeaders.hasBody(response.status());
    // HEAD, 204, 205 and 304 end the stream with their HEADERS, whatever body the handler gave.
    boolean headOnly = head || !hasBody;
    return switch (response.body()) {
      case ResponseBody.Bytes bytes -> {
        byte[] data = bytes.data();
        long length = head ? HeadLength.of(response, data.length) : data.length;
        // A HEAD's GET has a body when its length says so, even if the handler built none.
        var headers = headers(response, hasBody ? length : -1, hasBody && length > 0, DateHeader.at(now));
        ChannelPromise last = connection.newPromise();
        if (headOnly || data.length == 0) {
          connection.writeHeaders(stream, headers, true, last);
        } else {
          connection.writeHeaders(stream, headers, false, connection.newPromise());
          connection.writeData(stream, Unpooled.wrappedBuffer(data), true, last);
        }
        afterLast(last, afterSent);
        yield QUEUED;
      }
      case ResponseBody.Json json -> throw new IllegalStateException(
          "JSON body not encoded: the exchange encodes it with the app's JsonCodec before writing");
      case ResponseBody.FileRange file -> {
        if (headOnly || file.length() == 0) {
          ChannelPromise last = connection.newPromise();
          connection.writeHeaders(stream, headers(response, file.length(), hasBody && file.length() > 0,
              DateHeader.at(now)), true, last);
          afterLast(last, afterSent);
          yield QUEUED;
        }
        yield FileBody.start(connection, stream, headers(response, file.length(), true, DateHeader.at(now)),
            FileParts.of(file), afterSent);
      }
      case ResponseBody.Written w -> {
        if (headOnly) {
          ChannelPromise last = connection.newPromise();
          connection.writeHeaders(stream, headers(response, w.length(), hasBody, DateHeader.at(now)), true, last);
          UnsentBodies.close(lanes, w); // never sent: its source closes in its lane
          afterLast(last, afterSent);
          yield QUEUED;
        }
        FileParts parts = FileParts.claim(w);
        if (parts != null) { // several ranges of a file: read on the loop as a single range is, without the lane
          yield FileBody.start(connection, stream, headers(response, parts.length(), true, DateHeader.at(now)),
              parts, afterSent);
        }
        // The head goes out when the producer first writes: dated then.
        yield ProducedBody.start(connection, stream, lanes, () -> headers(response, w.length(), true, DateHeader.now()),
            w, afterSent);
      }
      case ResponseBody.Published published -> {
        if (headOnly) {
          ChannelPromise last = connection.newPromise();
          connection.writeHeaders(stream, headers(response, -1, hasBody, DateHeader.at(now)), true, last);
          afterLast(last, afterSent);
          yield QUEUED;
        }
        connection.writeHeaders(stream, headers(response, -1, true, DateHeader.at(now)), false,
            connection.newPromise());
        connection.flushSoon();
        yield PublisherBody.subscribe(connection, stream, published.publisher(), afterSent);
      }
    };
  }

  /**
   * A 304 with the {@code vary} and {@code etag} its 200 would have had on this stream (RFC 9110
   * 15.4.5; {@link CompressionRule#notModified}).
   */
  private Response notModified(Response response) {
    CompressionRule rule = connection.compression();
    return rule == null || !stream.routeCompresses ? response
        : rule.notModified(response, coding());
  }

  /** A 206 with the {@code vary} its 200 would have had on this stream (RFC 9110 15.3.7). */
  private Response partial(Response response) {
    CompressionRule rule = connection.compression();
    return rule == null || !stream.routeCompresses ? response : rule.partial(response);
  }

  /**
   * The response's head; when the rules let this stream's body be compressed it says
   * {@code vary}, and {@code content-encoding} if the client accepts a coding (the connection's
   * encoder then compresses the DATA frames and drops {@code content-length}), with a weak
   * {@code etag} and without {@code accept-ranges}. Empty bodies are
   * never compressed, as on HTTP/1.1. {@code bodyFollows}: the GET's body would, for a HEAD, whose
   * head says what its GET's would (RFC 9110 9.3.2), without the {@code content-length} a
   * compressed body's is not known without compressing it.
   */
  private Http2Headers headers(Response response, long length, boolean bodyFollows, AsciiString date) {
    Http2Headers h = Http2ResponseHeaders.of(response, length, date);
    CompressionRule rule = connection.compression();
    if (rule == null || !stream.routeCompresses || !bodyFollows
        || !rule.eligible(response.status(), h.get(CONTENT_TYPE), h.contains(CONTENT_RANGE),
            h.contains(CONTENT_ENCODING), length)) {
      return h;
    }
    h.set(VARY, VaryField.with(h.getAll(VARY), "accept-encoding")); // one field with what the handler said
    String coding = coding();
    if (coding != null) {
      h.set(CONTENT_ENCODING, coding);
      CharSequence etag = h.get(ETAG);
      if (etag != null) {
        h.set(ETAG, CompressionRule.compressedEtag(etag.toString()));
      }
      h.remove(ACCEPT_RANGES); // ranges are served of the identity body only
      if (head) {
        h.remove(CONTENT_LENGTH); // no DATA follows: the plain encoder sends the head as it is
      } else {
        stream.compressed = true;
      }
    }
    return h;
  }

  /** The coding this stream's client would get, from its {@code accept-encoding} fields as one list; null: none. */
  private String coding() {
    return ContentCodings.choose(ContentCodings.acceptEncoding(stream.headers.getAll(ACCEPT_ENCODING)));
  }

  private void afterLast(ChannelPromise last, Runnable afterSent) {
    if (afterSent != null) {
      last.addListener(f -> afterSent.run());
    }
    connection.flushSoon();
  }

  @Override
  public int sentStatus(int status) {
    return stream.headReplaced ? 500 : status; // see Http2ServerConnection.writeHeaders
  }

  @Override
  public void abort(Throwable cause) {
    // Behind what a producer already queued on this loop, as HTTP/1.1 closes behind it.
    connection.context().executor().execute(() -> connection.reset(stream, Http2Error.INTERNAL_ERROR));
  }

  @Override
  public void ended() {
    connection.responseEnded(stream);
  }
}

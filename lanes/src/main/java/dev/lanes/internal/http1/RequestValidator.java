package dev.lanes.internal.http1;

import dev.lanes.internal.http.HostValue;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Strict checks on each request head that Netty's decoder leaves to the server (RFC 9112): the
 * version, exactly one valid {@code Host}, the form and characters of the request target, and
 * {@code Content-Length}/{@code Transfer-Encoding} framing. Framing itself (chunk sizes,
 * duplicate lengths, header syntax) is the decoder's job, configured strictly in
 * {@link ConnectionSetup}.
 *
 * <p>A bad head is not answered here: it is marked as a decoder failure ({@link RejectedRequest}) and
 * passed on ({@link RequestDecoder} calls it for every decoded message), so the dispatcher answers
 * it after the requests pipelined before it and then closes.
 * From that point on it drops everything and stops reading: bytes after a framing error
 * could be a smuggled request and are never parsed as one.
 */
public final class RequestValidator {
  private final long maxBodySize;
  private final int maxHeaderCount;
  private boolean broken;
  private String validHost; // the last Host that passed: a connection's requests repeat it

  RequestValidator(long maxBodySize, int maxHeaderCount) {
    this.maxBodySize = maxBodySize;
    this.maxHeaderCount = maxHeaderCount;
  }

  /**
   * Marks {@code msg} failed if it is a bad head; returns whether it goes on, false when it was
   * dropped (and released) because an earlier message failed.
   */
  boolean passes(ChannelHandlerContext ctx, Object msg) {
    return passes(ctx, msg, maxBodySize);
  }

  /** As {@link #passes(ChannelHandlerContext, Object)}, a declared body length checked against {@code bodyLimit}. */
  boolean passes(ChannelHandlerContext ctx, Object msg, long bodyLimit) {
    if (broken) {
      ReferenceCountUtil.release(msg);
      return false;
    }
    if (msg instanceof HttpRequest req && req.decoderResult().isSuccess()) {
      RejectedRequest bad = req.headers().size() > maxHeaderCount
          ? new RejectedRequest(431, "Request Header Fields Too Large: more than " + maxHeaderCount + " fields")
          : check(req);
      if (bad == null && HttpUtil.getContentLength(req, 0L) > bodyLimit) {
        // Refused here, in order and with a close; a longer chunked body is BodyAggregator's.
        bad = new RejectedRequest(413, "Content Too Large");
      }
      if (bad != null) {
        req.setDecoderResult(DecoderResult.failure(bad));
      }
    }
    if (msg instanceof DecoderResultProvider p && p.decoderResult().isFailure()) {
      broken = true;
      ctx.channel().config().setAutoRead(false);
    }
    return true;
  }

  /** The first problem with {@code req}'s head, or null; may rewrite an absolute-form target. */
  private RejectedRequest check(HttpRequest req) {
    HttpVersion v = req.protocolVersion();
    if (!"HTTP".equals(v.protocolName()) || v.majorVersion() != 1) {
      return new RejectedRequest(505, "HTTP Version Not Supported: " + v.text());
    }
    HttpHeaders h = req.headers();
    RejectedRequest bad = checkHost(h.valueStringIterator(HttpHeaderNames.HOST), v.minorVersion() >= 1);
    if (bad == null) {
      bad = checkTarget(req);
    }
    if (bad == null) {
      bad = checkFraming(h, v);
    }
    return bad;
  }

  // Iterators, not getAll: no list per request for what is almost always one value or none.
  private RejectedRequest checkHost(Iterator<String> hosts, boolean required) {
    if (!hosts.hasNext()) {
      return required ? new RejectedRequest(400, "Bad Request: HTTP/1.1 needs a Host header") : null;
    }
    String host = hosts.next();
    if (hosts.hasNext()) {
      return new RejectedRequest(400, "Bad Request: more than one Host header");
    }
    if (host.equals(validHost)) {
      return null;
    }
    if (!HostValue.valid(host)) {
      return new RejectedRequest(400, "Bad Request: invalid Host header");
    }
    validHost = host;
    return null;
  }

  private static RejectedRequest checkTarget(HttpRequest req) {
    String uri = req.uri();
    if (req.method() == HttpMethod.CONNECT) {
      return new RejectedRequest(501, "Not Implemented: CONNECT");
    }
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      // Controls, spaces and non-ASCII never belong in a target; '#' starts a fragment, which a
      // client must not send; '\' is read as '/' by some file systems and proxies.
      if (c <= ' ' || c >= 0x7f || c == '#' || c == '\\') {
        return new RejectedRequest(400, "Bad Request: invalid character in request target");
      }
    }
    if (uri.equals("*")) {
      return req.method() == HttpMethod.OPTIONS ? null
          : new RejectedRequest(400, "Bad Request: '*' is only a target for OPTIONS");
    }
    if (uri.startsWith("/")) {
      return null;
    }
    String lower = uri.toLowerCase(Locale.ROOT);
    int authorityStart = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
    if (authorityStart < 0) {
      return new RejectedRequest(400, "Bad Request: request target must be an absolute path");
    }
    // Absolute form (RFC 9112 3.2.2): a server must accept it; its authority replaces Host.
    int pathStart = uri.length();
    for (int i = authorityStart; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '/' || c == '?') {
        pathStart = i;
        break;
      }
    }
    String authority = uri.substring(authorityStart, pathStart);
    if (!HostValue.valid(authority)) {
      return new RejectedRequest(400, "Bad Request: invalid authority in request target");
    }
    String rest = uri.substring(pathStart);
    req.setUri(rest.startsWith("/") ? rest : "/" + rest);
    req.headers().set(HttpHeaderNames.HOST, authority);
    return null;
  }

  private static RejectedRequest checkFraming(HttpHeaders h, HttpVersion v) {
    // A lookup first: most requests have no body, and an iterator is an object per request.
    boolean hasLength = false;
    for (Iterator<String> cl = h.contains(HttpHeaderNames.CONTENT_LENGTH)
        ? h.valueStringIterator(HttpHeaderNames.CONTENT_LENGTH) : Collections.emptyIterator(); cl.hasNext(); ) {
      String value = cl.next();
      hasLength = true;
      // 1*DIGIT only: Long.parseLong would also take "+5", a classic desync between parsers.
      if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return new RejectedRequest(400, "Bad Request: invalid Content-Length");
      }
    }
    if (!h.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      return null;
    }
    List<String> te = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (v.minorVersion() == 0) {
      return new RejectedRequest(400, "Bad Request: Transfer-Encoding in an HTTP/1.0 request");
    }
    if (hasLength) {
      return new RejectedRequest(400, "Bad Request: both Content-Length and Transfer-Encoding");
    }
    if (te.size() != 1 || !te.get(0).trim().equalsIgnoreCase("chunked")) {
      // Only "chunked" is understood; anything else cannot be framed safely (RFC 9112 6.1).
      return te.stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).contains("chunked"))
          ? new RejectedRequest(400, "Bad Request: chunked must be the only transfer coding")
          : new RejectedRequest(501, "Not Implemented: transfer coding " + te);
    }
    return null;
  }
}

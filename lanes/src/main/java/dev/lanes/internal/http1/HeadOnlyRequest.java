package dev.lanes.internal.http1;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A request answered from its head, its body never read: its client waits for
 * {@code 100 Continue} before sending the body, and the head already tells the final answer
 * ({@code Exchange.answeredFromHead}), so it gets that instead (RFC 9110 10.1.1). The
 * {@link RequestDecoder} passes it on in the head's place and drops whatever is read after it;
 * {@link Http1Connection} serves it with no body and closes after the answer, since the bytes
 * after it may be the body, sent anyway, or the next request.
 */
final class HeadOnlyRequest extends DefaultFullHttpRequest {
  HeadOnlyRequest(HttpRequest head) {
    super(head.protocolVersion(), head.method(), head.uri(), Unpooled.EMPTY_BUFFER, head.headers(),
        EmptyHttpHeaders.INSTANCE);
  }
}

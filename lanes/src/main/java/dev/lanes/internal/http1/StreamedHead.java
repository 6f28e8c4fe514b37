package dev.lanes.internal.http1;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The head of a request whose route streams its body ({@code RouteOptions.streamedBody}): the
 * {@link RequestDecoder} passes it on in the head's place, the {@link BodyAggregator} lets it and
 * its contents by, and {@link Http1Connection} serves it at once with its body as a
 * {@link StreamedBody} that the contents fill as they arrive.
 */
final class StreamedHead extends DefaultHttpRequest {
  private final long limit;

  StreamedHead(HttpRequest head, long limit) {
    super(head.protocolVersion(), head.method(), head.uri(), head.headers());
    this.limit = limit;
  }

  /** The route's body limit, in bytes. */
  long limit() {
    return limit;
  }
}

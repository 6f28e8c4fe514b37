package dev.lanes.internal.http1;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * The pipeline handler right behind the HTTP codec: each decoded message goes, in this order, to
 * the chunk-size line check ({@link ChunkLineCheck}: a chunked body starts), the read timers
 * ({@link ConnectionTimeouts}: a head or a body ended) and the {@link RequestValidator} (a bad
 * head is marked failed; after a failure everything is dropped); each response message written
 * goes to the read timers (a response ended). One handler for all three, so every decoded message
 * and every write crosses one pipeline hop here, not three.
 */
final class MessageChecks extends ChannelDuplexHandler {
  private final ChunkLineCheck chunkLines;
  private final ConnectionTimeouts timeouts;
  private final RequestValidator validator;

  MessageChecks(ChunkLineCheck chunkLines, ConnectionTimeouts timeouts, RequestValidator validator) {
    this.chunkLines = chunkLines;
    this.timeouts = timeouts;
    this.validator = validator;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    chunkLines.decoded(msg);
    timeouts.decoded(msg);
    if (validator.passes(ctx, msg)) {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (timeouts.closesOnDrain(evt)) {
      ctx.close(); // idle keep-alive connection: nothing to finish, nothing to say
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    timeouts.writing(msg);
    ctx.write(msg, promise);
  }
}

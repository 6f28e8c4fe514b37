package dev.lanes.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.internal.app.AppAccess;
import dev.lanes.internal.server.Admission;
import dev.lanes.server.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Http2Pipeline#configure} is what a TLS pipeline calls once ALPN chose "h2": a channel
 * that speaks HTTP/2 from its first byte. Client and server are two EmbeddedChannels whose bytes
 * are handed across.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http2PipelineTest {

  /** A client handler that opens one stream and keeps the frames it gets back. */
  private static final class Client extends Http2ChannelDuplexHandler {
    final List<Object> frames = new ArrayList<>();
    private ChannelHandlerContext ctx;

    @Override
    protected void handlerAdded0(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    void get(String path) {
      var headers = new DefaultHttp2Headers().method("GET").path(path).scheme("https").authority("example.test");
      ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true).stream(newStream()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2HeadersFrame || msg instanceof Http2DataFrame) {
        frames.add(ReferenceCountUtil.retain(msg));
      }
      ReferenceCountUtil.release(msg);
    }
  }

  private static void exchangeBytes(EmbeddedChannel client, EmbeddedChannel server) {
    for (int round = 0; round < 10; round++) {
      ByteBuf b;
      while ((b = client.readOutbound()) != null) {
        server.writeInbound(b);
      }
      server.runPendingTasks();
      while ((b = server.readOutbound()) != null) {
        client.writeInbound(b);
      }
      client.runPendingTasks();
    }
  }

  @Test
  void aChannelConfiguredForH2ServesStreamsFromItsFirstByte() {
    App app = App.builder()
        .getAsync("/hello", req -> CompletableFuture.completedFuture(
            Response.text("hello " + req.headers().first("Host").orElse("?"))))
        .build();
    try {
      EmbeddedChannel server = new EmbeddedChannel();
      Http2Pipeline.configure(server.pipeline(), AppAccess.compiled(app), ServerConfig.defaults(), new Admission());
      Client handler = new Client();
      EmbeddedChannel client = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(), handler);
      exchangeBytes(client, server);
      handler.get("/hello");
      exchangeBytes(client, server);

      assertThat(handler.frames).hasSize(2);
      Http2HeadersFrame head = (Http2HeadersFrame) handler.frames.get(0);
      assertThat(head.headers().status().toString()).isEqualTo("200");
      assertThat(head.headers().get("content-length").toString()).isEqualTo("18");
      Http2DataFrame data = (Http2DataFrame) handler.frames.get(1);
      assertThat(data.content().toString(StandardCharsets.UTF_8)).isEqualTo("hello example.test");
      assertThat(data.isEndStream()).isTrue();
      handler.frames.forEach(ReferenceCountUtil::release);
      client.finishAndReleaseAll();
      server.finishAndReleaseAll();
    } finally {
      app.close();
    }
  }
}

package dev.lanes.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.internal.app.AppAccess;
import dev.lanes.internal.server.Admission;
import dev.lanes.server.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class H2cPriorKnowledgeTest {
  private final App app = App.builder().build();

  @AfterEach
  void close() {
    app.close();
  }

  private EmbeddedChannel channel() {
    var detector = new H2cPriorKnowledge(
        () -> Http2ServerConnection.create(AppAccess.compiled(app), ServerConfig.defaults(), new Admission()),
        List.of("http1-a", "http1-b"));
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast("h2c-preface", detector)
        .addLast("http1-a", new ChannelInboundHandlerAdapter())
        .addLast("http1-b", new ChannelInboundHandlerAdapter());
    return ch;
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  @Test
  void anHttp11RequestPassesUntouchedAndTheCheckLeaves() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("PUT / HTTP/1.1\r\n"));
    ByteBuf passed = ch.readInbound();
    assertThat(passed.toString(StandardCharsets.US_ASCII)).isEqualTo("PUT / HTTP/1.1\r\n");
    passed.release();
    assertThat(ch.pipeline().names()).contains("http1-a", "http1-b").doesNotContain("h2c-preface", "h2");
    ch.finishAndReleaseAll();
  }

  @Test
  void aPrefaceSplitAcrossReadsSwitchesTheConnectionToHttp2() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("PRI * HT"));
    assertThat(ch.pipeline().names()).contains("h2c-preface", "http1-a").doesNotContain("h2");
    // The rest of the preface and an empty SETTINGS frame (length 0, type 4, no flags, stream 0).
    ByteBuf rest = ascii("TP/2.0\r\n\r\nSM\r\n\r\n").writeBytes(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
    ch.writeInbound(rest);
    assertThat(ch.pipeline().names()).contains("h2").doesNotContain("h2c-preface", "http1-a", "http1-b");
    ByteBuf settings = ch.readOutbound(); // the server's SETTINGS, its side of the preface
    assertThat(settings).isNotNull();
    assertThat(settings.getByte(3)).as("frame type").isEqualTo((byte) 4);
    settings.release();
    ch.finishAndReleaseAll();
  }

  @Test
  void aLookalikeThatDiffersLateIsHttp11() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("PRI * HTTP/1.1\r\n"));
    ByteBuf passed = ch.readInbound();
    assertThat(passed.toString(StandardCharsets.US_ASCII)).isEqualTo("PRI * HTTP/1.1\r\n");
    passed.release();
    assertThat(ch.pipeline().names()).doesNotContain("h2c-preface", "h2");
    ch.finishAndReleaseAll();
  }
}

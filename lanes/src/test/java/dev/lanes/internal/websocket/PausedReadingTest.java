package dev.lanes.internal.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.websocket.CloseCodes;
import dev.lanes.websocket.Message;
import dev.lanes.websocket.WebSocketClosedException;
import dev.lanes.websocket.WebSocketOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A blocking session pauses reading past {@link BlockingSession#PAUSE_AT} unread messages. One
 * socket read (64 KiB) of permessage-deflate frames can hold dozens of messages that each inflate
 * to the message limit, so the pause must stop decoding too, not only the next read: the rest of
 * the read waits undecoded in the {@link FrameDecoder} until the handler catches up.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PausedReadingTest {
  private static final int MESSAGES = 60;
  private static final int SIZE = 1_000_000; // each inflates to about the 1 MiB message limit

  private EmbeddedChannel channel;
  private int decoded; // messages that reached the FrameHandler, so the session's queue
  private long decodedBytes;

  @AfterEach
  void release() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void onePausedReadOfCompressedMessagesQueuesNoMoreThanThePauseAllows() throws Exception {
    BlockingSession session = open();
    ByteBuf read = compressedMessages(MESSAGES);
    assertThat(read.readableBytes()).as("one socket read's worth").isLessThan(64 * 1024);

    channel.writeInbound(read);

    assertThat(decoded).as("messages queued for a handler that took none").isEqualTo(BlockingSession.PAUSE_AT);
    assertThat(decodedBytes).isEqualTo((long) BlockingSession.PAUSE_AT * SIZE);
    assertThat(read.isReadable()).as("the rest of the read waits undecoded").isTrue();

    // The handler catches up: the held bytes are decoded as it takes messages, in order, to the last.
    for (int i = 0; i < MESSAGES; i++) {
      channel.runPendingTasks();
      assertThat(decoded).as("decoded before receive %d", i).isGreaterThan(i);
      assertThat(decoded - i).as("queued").isLessThanOrEqualTo(BlockingSession.PAUSE_AT);
      Message m = session.receive();
      assertThat(((Message.Binary) m).data()).isEqualTo(message(i));
    }
    assertThat(read.refCnt()).isZero();
  }

  @Test
  void bytesHeldWhilePausedAreReleasedOnClose() throws Exception {
    BlockingSession session = open();
    ByteBuf read = compressedMessages(MESSAGES);
    channel.writeInbound(read);
    assertThat(read.isReadable()).isTrue();

    channel.close();

    assertThat(read.refCnt()).isZero();
    for (int i = 0; i < decoded; i++) {
      assertThat(((Message.Binary) session.receive()).data()).isEqualTo(message(i)); // what arrived still comes
    }
    assertThatThrownBy(session::receive).isInstanceOf(WebSocketClosedException.class);
  }

  /**
   * Closing a paused session (the stall check does, for a handler that takes nothing) reads again
   * to see the peer's answering close: that close may be among the bytes held undecoded.
   */
  @Test
  void closingAPausedSessionDecodesTheHeldBytesForThePeersClose() throws Exception {
    BlockingSession session = open();
    ByteBuf read = compressedMessages(MESSAGES);
    read.writeBytes(frame(0x8, false, new byte[] {0x03, (byte) 0xe8})); // the peer's close, 1000
    channel.writeInbound(read);
    assertThat(channel.isOpen()).isTrue();

    session.close(CloseCodes.INTERNAL_ERROR, "handler took no message");
    channel.runPendingTasks();

    ByteBuf ours = channel.readOutbound(); // the encoded close frame: opcode, length, code
    assertThat(ours.getUnsignedByte(0)).isEqualTo((short) 0x88);
    assertThat(ours.getUnsignedShort(2)).isEqualTo(CloseCodes.INTERNAL_ERROR);
    ours.release();
    assertThat(channel.isOpen()).as("the peer's close was read: the connection ends").isFalse();
    assertThat(read.refCnt()).isZero();
    for (int i = 0; i < BlockingSession.PAUSE_AT; i++) {
      assertThat(((Message.Binary) session.receive()).data()).isEqualTo(message(i));
    }
    // Data frames after our close are read for the peer's close, but dropped, not queued.
    assertThatThrownBy(session::receive).isInstanceOf(WebSocketClosedException.class);
  }

  /** A blocking session over the frame pipeline with permessage-deflate, counting what reaches the session. */
  private BlockingSession open() {
    BlockingSession session = new BlockingSession(null, WebSocketOptions.defaults(), "/ws");
    WebSocketPipeline ws = WebSocketPipeline.negotiate(session, List.of("permessage-deflate"));
    assertThat(ws.extensionsHeader()).isPresent();
    channel = new EmbeddedChannel();
    channel.pipeline().addLast("wsdecoder", new FrameDecoder(ws.decoderConfig()));
    channel.pipeline().addLast("wsencoder", new WebSocket13FrameEncoder(false));
    ws.install(channel.pipeline());
    channel.pipeline().addBefore("ws-frames", "count", new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame frame) {
          decoded++;
          decodedBytes += frame.content().readableBytes();
        }
        ctx.fireChannelRead(msg);
      }
    });
    ws.opened();
    return session;
  }

  private static ByteBuf compressedMessages(int n) {
    ByteBuf read = Unpooled.buffer();
    for (int i = 0; i < n; i++) {
      read.writeBytes(frame(0x2, true, deflate(message(i))));
    }
    return read;
  }

  private static byte[] message(int i) {
    byte[] data = new byte[SIZE];
    data[0] = (byte) i;
    return data;
  }

  /** Raw deflate of one whole message, without the 00 00 ff ff tail (RFC 7692 7.2.1). */
  private static byte[] deflate(byte[] data) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    d.setInput(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
      out.write(buf, 0, n);
    }
    d.end();
    byte[] all = out.toByteArray();
    return Arrays.copyOf(all, all.length - 4);
  }

  /** A masked, final client frame. */
  private static byte[] frame(int opcode, boolean rsv1, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80 | (rsv1 ? 0x40 : 0) | opcode);
    int n = payload.length;
    if (n < 126) {
      out.write(0x80 | n);
    } else {
      out.write(0x80 | 126);
      out.write(n >>> 8);
      out.write(n & 0xff);
    }
    byte[] mask = {1, 2, 3, 4};
    out.writeBytes(mask);
    for (int i = 0; i < n; i++) {
      out.write(payload[i] ^ mask[i % 4]);
    }
    return out.toByteArray();
  }
}

package dev.lanes.internal.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.websocket.Message;
import dev.lanes.websocket.WebSocketOptions;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A blocking send waiting for a socket the peer drains can see it writable, wake, and find it
 * unwritable again a moment later (writes queued from another thread are counted twice for an
 * instant while the loop takes them over, and the next write fills it). That is no end: the send
 * returned as sent, and it threw "connection closed" on an open connection instead, which is how
 * {@code WebSocketTest.aClientThatStopsReadingIsClosedInsteadOfBufferedFor} failed now and then.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SendWritabilityTest {
  private ScriptedWritability channel;

  @AfterEach
  void release() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void aSendThatSeesTheSocketWritableAndThenFullAgainReturnsAsSent() throws Exception {
    // A short wait: it ends with the third look, writable, before the send timeout is judged.
    BlockingSession session = new BlockingSession(null, WebSocketOptions.defaults().sendTimeout(Duration.ofMillis(10)), "/ws");
    WebSocketPipeline ws = WebSocketPipeline.negotiate(session, List.of());
    channel = new ScriptedWritability();
    channel.pipeline().addLast("wsencoder", new WebSocket13FrameEncoder(false));
    ws.install(channel.pipeline());
    ws.opened();

    // After its write: full; waiting: full, then writable (it wakes); from then on full again.
    channel.script(false, false, true);
    channel.thenFull();
    session.send(Message.text("one")); // threw "connection closed"

    assertThat(channel.isActive()).isTrue();
    Object sent = channel.readOutbound();
    assertThat(sent).as("the frame went out").isNotNull();
  }

  /** An open channel whose writability, as the session reads it, follows a script. */
  private static final class ScriptedWritability extends EmbeddedChannel {
    private final Queue<Boolean> script = new ArrayDeque<>();
    private boolean full;

    void script(Boolean... looks) {
      script.addAll(List.of(looks));
    }

    void thenFull() {
      full = true;
    }

    @Override
    public boolean isWritable() {
      Boolean next = script.poll();
      return next != null ? next : !full && super.isWritable();
    }
  }
}

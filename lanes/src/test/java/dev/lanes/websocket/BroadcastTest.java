package dev.lanes.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.http.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Broadcast}: publishing never waits on a subscriber, a subscriber too far behind is closed
 * with 1008 and dropped, and a subscriber leaves when its subscription closes or, at the latest at
 * the next look, when its peer closes.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BroadcastTest {

  /** A peer whose writes complete only when the test says so, as a client that stopped reading. */
  private static final class Peer implements WebSocketPeer {
    final List<CompletableFuture<Void>> unwritten = new ArrayList<>();
    final List<Message> sent = new ArrayList<>();
    int closedWith;

    @Override
    public synchronized CompletableFuture<Void> sendAsync(Message message) {
      sent.add(message);
      CompletableFuture<Void> f = new CompletableFuture<>();
      unwritten.add(f);
      return f;
    }

    synchronized void writeAll() {
      unwritten.forEach(f -> f.complete(null));
      unwritten.clear();
    }

    @Override
    public void close(int code, String reason) {
      closedWith = code;
    }

    @Override
    public boolean isOpen() {
      return closedWith == 0;
    }

    @Override
    public Request request() {
      return Request.builder("GET", "/ws").build();
    }
  }

  @Test
  void aSubscriberThatStopsReadingIsClosedAndDroppedOnceItsQueueIsFull() {
    Broadcast room = Broadcast.withQueue(3);
    Peer reader = new Peer();
    Peer stalled = new Peer();
    room.subscribe(reader);
    room.subscribe(stalled);
    for (int i = 0; i < 3; i++) {
      assertThat(room.publish(Message.text("m" + i))).isEqualTo(2);
      reader.writeAll();
    }
    assertThat(room.publish(Message.text("m3"))).isEqualTo(1);
    assertThat(stalled.closedWith).isEqualTo(CloseCodes.POLICY_VIOLATION);
    assertThat(stalled.sent).hasSize(3);
    assertThat(reader.sent).extracting(m -> ((Message.Text) m).text()).containsExactly("m0", "m1", "m2", "m3");
    assertThat(room.subscribers()).isEqualTo(1);
  }

  @Test
  void writtenMessagesFreeTheirPlaceInTheQueue() {
    Broadcast room = Broadcast.withQueue(1);
    Peer peer = new Peer();
    room.subscribe(peer);
    for (int i = 0; i < 5; i++) {
      assertThat(room.publish(Message.text("m" + i))).isEqualTo(1);
      peer.writeAll();
    }
    assertThat(peer.closedWith).isZero();
    assertThat(peer.sent).hasSize(5);
  }

  @Test
  void closingTheSubscriptionUnsubscribes() {
    Broadcast room = Broadcast.withQueue(4);
    Peer peer = new Peer();
    Broadcast.Subscription sub = room.subscribe(peer);
    sub.close();
    assertThat(room.publish(Message.text("nobody"))).isZero();
    assertThat(peer.sent).isEmpty();
  }

  /**
   * A peer that closed is no longer counted, even if its handler forgot to close the subscription
   * and nothing was published since: {@link Broadcast#subscribers} drops it.
   */
  @Test
  void aPeerThatClosesIsNoLongerSubscribedEvenIfNothingIsPublished() {
    Broadcast room = Broadcast.withQueue(8);
    for (int i = 0; i < 1000; i++) {
      Peer p = new Peer();
      room.subscribe(p); // no try-with-resources: relies on the peer closing
      p.close(CloseCodes.NORMAL, "");
    }
    assertThat(room.subscribers()).as("subscribers after 1000 peers came and closed").isZero();
  }

  @Test
  void aQueueBoundBelowOneIsRefused() {
    assertThatThrownBy(() -> Broadcast.withQueue(0)).isInstanceOf(IllegalArgumentException.class);
  }
}

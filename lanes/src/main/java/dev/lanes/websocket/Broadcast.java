package dev.lanes.websocket;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends each published message to every subscribed WebSocket without ever waiting on one: each
 * subscriber has a bounded queue of messages not yet written, and a subscriber whose queue is
 * full (it stopped reading) is closed with {@link CloseCodes#POLICY_VIOLATION} and dropped, so
 * one slow client can neither stall the publisher nor grow memory. Thread-safe.
 *
 * <pre>{@code
 * Broadcast room = Broadcast.withQueue(64);
 * app.websocket("/ws/room", ws -> {
 *   try (var sub = room.subscribe(ws)) {
 *     while (true) room.publish(ws.receive());
 *   }
 * });
 * }</pre>
 */
public final class Broadcast {
  private final int maxQueued;
  private final ConcurrentHashMap<WebSocketPeer, AtomicInteger> subscribers = new ConcurrentHashMap<>();

  private Broadcast(int maxQueued) {
    this.maxQueued = maxQueued;
  }

  /** A broadcast whose subscribers may each have at most {@code maxQueued} unwritten messages. */
  public static Broadcast withQueue(int maxQueued) {
    if (maxQueued < 1) {
      throw new IllegalArgumentException("maxQueued must be positive: " + maxQueued);
    }
    return new Broadcast(maxQueued);
  }

  /**
   * Adds {@code peer}; closing the subscription removes it. A peer that is no longer
   * {@link WebSocketPeer#isOpen() open} counts no more and is dropped at the next {@link #publish}
   * or {@link #subscribers}, even if its subscription was never closed.
   */
  public Subscription subscribe(WebSocketPeer peer) {
    Objects.requireNonNull(peer, "peer");
    subscribers.putIfAbsent(peer, new AtomicInteger());
    return () -> subscribers.remove(peer);
  }

  /** Queues {@code message} for every subscriber; returns how many it was queued for. */
  public int publish(Message message) {
    Objects.requireNonNull(message, "message");
    int queued = 0;
    for (var entry : subscribers.entrySet()) {
      WebSocketPeer peer = entry.getKey();
      AtomicInteger pending = entry.getValue();
      if (!peer.isOpen()) {
        subscribers.remove(peer, pending);
        continue;
      }
      if (pending.incrementAndGet() > maxQueued) {
        subscribers.remove(peer, pending);
        peer.close(CloseCodes.POLICY_VIOLATION, "too slow: " + maxQueued + " broadcast messages unread");
        continue;
      }
      queued++;
      CompletableFuture<Void> sent = peer.sendAsync(message);
      sent.whenComplete((v, e) -> {
        pending.decrementAndGet();
        if (e != null) {
          subscribers.remove(peer, pending);
        }
      });
    }
    return queued;
  }

  /** How many open peers are subscribed now; closed ones are dropped on the way. */
  public int subscribers() {
    subscribers.keySet().removeIf(peer -> !peer.isOpen());
    return subscribers.size();
  }

  /** One peer's place in a {@link Broadcast}; closing it unsubscribes. */
  @FunctionalInterface
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}

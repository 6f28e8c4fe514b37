package dev.lanes.internal.http1;

import java.util.ArrayDeque;

/**
 * A first-in, first-out queue for what an HTTP/1.1 connection keeps per request in flight: almost
 * always one element at most, more only while requests are pipelined. The oldest element is held
 * in a field; an {@link ArrayDeque} is made only when a second one waits, so 10 000 idle
 * connections hold no array and a request touches none. Loop-confined; no null elements.
 *
 * <pre>{@code OneSlotQueue<HttpMethod> methods = new OneSlotQueue<>(); methods.add(GET); methods.poll(); }</pre>
 */
final class OneSlotQueue<T> {
  private T oldest;
  private ArrayDeque<T> behind; // the elements after the oldest; null until a second one waits

  void add(T element) {
    if (oldest == null) {
      oldest = element;
    } else {
      if (behind == null) {
        behind = new ArrayDeque<>(4);
      }
      behind.add(element);
    }
  }

  /** The oldest element, removed; null if the queue is empty. */
  T poll() {
    T e = oldest;
    if (e != null) {
      oldest = behind == null ? null : behind.poll();
    }
    return e;
  }

  /** The oldest element, left in place; null if the queue is empty. */
  T peek() {
    return oldest;
  }

  boolean isEmpty() {
    return oldest == null;
  }

  int size() {
    return oldest == null ? 0 : 1 + (behind == null ? 0 : behind.size());
  }
}

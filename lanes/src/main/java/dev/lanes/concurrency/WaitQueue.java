package dev.lanes.concurrency;

/**
 * FIFO of waiters with O(1) removal from the middle, so that a cancelled or timed-out waiter
 * leaves at once even when thousands are queued. Not thread-safe: the limiter's lock guards it.
 */
final class WaitQueue {
  private CapacityLimiter.Waiter head;
  private CapacityLimiter.Waiter tail;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void add(CapacityLimiter.Waiter w) {
    w.queued = true;
    w.prev = tail;
    w.next = null;
    if (tail == null) {
      head = w;
    } else {
      tail.next = w;
    }
    tail = w;
    size++;
  }

  CapacityLimiter.Waiter poll() {
    CapacityLimiter.Waiter w = head;
    if (w != null) {
      remove(w);
    }
    return w;
  }

  void remove(CapacityLimiter.Waiter w) {
    if (!w.queued) {
      return;
    }
    if (w.prev == null) {
      head = w.next;
    } else {
      w.prev.next = w.next;
    }
    if (w.next == null) {
      tail = w.prev;
    } else {
      w.next.prev = w.prev;
    }
    w.prev = null;
    w.next = null;
    w.queued = false;
    size--;
  }
}

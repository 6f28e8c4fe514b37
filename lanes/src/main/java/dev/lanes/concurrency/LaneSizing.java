package dev.lanes.concurrency;

/**
 * How many tasks a {@link Lane} runs at once: a fixed number, no limit, or a limit that adapts to
 * the lane's own measurements between two bounds (docs/adr/0011-adaptive-lanes-size-to-the-cpu.md).
 *
 * <pre>{@code
 * Lane.builder("db").sizing(LaneSizing.fixed(20));       // or .capacity(20)
 * Lane.builder("cpu").sizing(LaneSizing.adaptive());     // or .adaptive(): no number to pick
 * }</pre>
 */
public sealed interface LaneSizing {

  /** The largest limit an adaptive lane uses unless told otherwise (the default lanes' size). */
  int DEFAULT_ADAPTIVE_MAX = 1024;

  /** Exactly {@code capacity} tokens, changed only by {@link Lane#resize}. */
  static LaneSizing fixed(int capacity) {
    return new Fixed(capacity);
  }

  /** No limit: every task runs at once (virtual threads only; the queue is never used). */
  static LaneSizing unbounded() {
    return new Unbounded();
  }

  /** A limit that adapts between 1 and {@value #DEFAULT_ADAPTIVE_MAX}, starting at the maximum. */
  static LaneSizing adaptive() {
    return new Adaptive(1, DEFAULT_ADAPTIVE_MAX);
  }

  /** A limit that adapts between {@code min} and {@code max}, starting at {@code max}. */
  static LaneSizing adaptive(int min, int max) {
    return new Adaptive(min, max);
  }

  /** The tokens a lane with this sizing starts with. */
  int initialCapacity();

  /** The lowest limit this sizing allows. */
  int minCapacity();

  /** The highest limit this sizing allows. */
  int maxCapacity();

  /** @param capacity the number of tokens, at least 1 */
  record Fixed(int capacity) implements LaneSizing {
    public Fixed {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
      }
    }

    @Override
    public int initialCapacity() {
      return capacity;
    }

    @Override
    public int minCapacity() {
      return capacity;
    }

    @Override
    public int maxCapacity() {
      return capacity;
    }
  }

  /** No limit; statistics show {@link Integer#MAX_VALUE} tokens. */
  record Unbounded() implements LaneSizing {
    @Override
    public int initialCapacity() {
      return Integer.MAX_VALUE;
    }

    @Override
    public int minCapacity() {
      return Integer.MAX_VALUE;
    }

    @Override
    public int maxCapacity() {
      return Integer.MAX_VALUE;
    }
  }

  /**
   * A limit between {@code min} and {@code max}, starting at {@code max}. While the lane's tasks
   * compute and wait for a carrier to run on (the CPU is saturated), the lane enters compute mode:
   * its limit becomes the cores and it runs new tasks on platform threads, which the OS time-slices
   * with the virtual-thread carriers, so other lanes keep theirs. When its tasks stop computing
   * (their own CPU time, measured on those platform threads) it goes back to virtual threads at the
   * limit it had before; with work queued and the CPU not busy it grows by a quarter per window of
   * at least 100 ms.
   *
   * @param min the lowest limit, at least 1
   * @param max the highest limit, at least {@code min}
   */
  record Adaptive(int min, int max) implements LaneSizing {
    public Adaptive {
      if (min < 1) {
        throw new IllegalArgumentException("adaptive min must be >= 1: " + min);
      }
      if (max < min) {
        throw new IllegalArgumentException("adaptive max must be >= min (" + min + "): " + max);
      }
    }

    @Override
    public int initialCapacity() {
      return max;
    }

    @Override
    public int minCapacity() {
      return min;
    }

    @Override
    public int maxCapacity() {
      return max;
    }
  }
}

package dev.lanes.internal.exchange;

import io.netty.util.concurrent.Ticker;
import java.io.OutputStream;

/**
 * The stream a blocking body writer writes to, as each protocol provides it: it counts what was
 * written (for the declared length) and when (for keep-alive fillers), and closes without I/O.
 */
public abstract class BodyOutput extends OutputStream {
  private final Ticker clock;
  private volatile long lastWriteNanos;

  /** {@code clock}: the event loop's, so the keep-alive timer and this agree on what "now" is. */
  protected BodyOutput(Ticker clock) {
    this.clock = clock;
    this.lastWriteNanos = clock.nanoTime();
  }

  /** Bytes the producer has written. */
  public abstract long written();

  /** Ends the body's writes; nothing is sent by closing. */
  @Override
  public abstract void close();

  /** Nanoseconds since the last chunk, written by the producer or a keep-alive filler. */
  public long quietFor() {
    return clock.nanoTime() - lastWriteNanos;
  }

  /** A chunk went out now. */
  public void touch() {
    lastWriteNanos = clock.nanoTime();
  }
}

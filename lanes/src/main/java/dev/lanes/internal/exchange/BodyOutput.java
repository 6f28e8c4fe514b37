package dev.lanes.internal.exchange;

import java.io.OutputStream;

/**
 * The stream a blocking body writer writes to, as each protocol provides it: it counts what was
 * written (for the declared length) and when (for keep-alive fillers), and closes without I/O.
 */
public abstract class BodyOutput extends OutputStream {
  private volatile long lastWriteNanos = System.nanoTime();

  /** Bytes the producer has written. */
  public abstract long written();

  /** Ends the body's writes; nothing is sent by closing. */
  @Override
  public abstract void close();

  /** Nanoseconds since the last chunk, written by the producer or a keep-alive filler. */
  public long quietFor() {
    return System.nanoTime() - lastWriteNanos;
  }

  /** A chunk went out now. */
  public void touch() {
    lastWriteNanos = System.nanoTime();
  }
}

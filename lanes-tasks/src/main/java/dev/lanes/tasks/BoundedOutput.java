package dev.lanes.tasks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Bytes kept in memory up to a limit: the write that would pass it fails, so a payload's JSON is
 * refused as soon as it is too long, not after it was built whole (a 500 MB payload first took
 * 500 MB and more). Not thread-safe: one writer.
 */
final class BoundedOutput extends OutputStream {
  /** The write that would have passed the limit; nothing of it was kept. */
  static final class PastLimit extends IOException {
    PastLimit(long asked, int limit) {
      super(asked + " bytes asked, past the limit of " + limit);
    }
  }

  private final int limit;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private long asked; // what the writer had asked for when it was stopped; 0 while within the limit

  BoundedOutput(int limit) {
    this.limit = limit;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (asked > 0 || kept.size() + (long) len > limit) {
      asked = Math.max(asked, kept.size() + (long) len);
      throw new PastLimit(asked, limit);
    }
    kept.write(b, off, len);
  }

  /** Whether a write was refused: then at least {@link #asked()} bytes were to be written. */
  boolean pastLimit() {
    return asked > 0;
  }

  /** The bytes kept and the refused write's together: a lower bound of what the writer had. */
  long asked() {
    return asked;
  }

  /** What was written, all of it if no write was refused. */
  byte[] toByteArray() {
    return kept.toByteArray();
  }

  @Override
  public String toString() {
    return "BoundedOutput[" + kept.size() + " of " + limit + (pastLimit() ? ", past it" : "") + "]";
  }
}

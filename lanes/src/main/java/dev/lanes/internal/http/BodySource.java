package dev.lanes.internal.http;

/**
 * A produced body's writer as the server sees it: whether it has run or been abandoned yet, so a
 * body built for a request but never sent (another response replaced it) has its source closed
 * once, and one that was sent is not closed a second time. Every {@code ResponseBody.Written}
 * writer is one.
 *
 * <pre>{@code if (w.writer() instanceof BodySource s && s.untouched()) lane.execute(s::abandon); }</pre>
 */
public interface BodySource {
  /** Whether the writer has neither started writing nor been abandoned. */
  boolean untouched();

  /** Frees the source unless the writer ran or this was done already; at most once. */
  void abandon();

  /**
   * Marks the writer as started without running it, when the server sends what the writer
   * describes itself ({@link ByteRangeParts}): it is never abandoned after. False if it had
   * started or been abandoned already.
   */
  boolean claim();

  /** The writer the body was given, which this one wraps: what it tells of the body ({@link ByteRangeParts}). */
  Object writer();
}

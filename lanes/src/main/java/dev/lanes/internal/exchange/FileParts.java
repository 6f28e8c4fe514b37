package dev.lanes.internal.exchange;

import dev.lanes.http.ResponseBody;
import dev.lanes.internal.http.BodySource;
import dev.lanes.internal.http.ByteRangeParts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A file body as the server sends it from the event loop, without a lane: texts and slices of
 * one open file, in order. A single range is one slice; a {@code multipart/byteranges} body
 * ({@link ByteRangeParts}) is each part's head and slice, then its closing text. HTTP/1.1 sends
 * the slices zero-copy between the texts where it can; over TLS, and on HTTP/2, the body is read
 * here a chunk at a time ({@link #read}), the next chunk only once the last has gone, so the
 * client's pace sets the reads and nothing waits on a thread. Loop-confined.
 *
 * <pre>{@code FileParts parts = FileParts.claim(written); // null: run the writer in its lane
 * ByteBuf chunk = parts.read(alloc, 16 * 1024); }</pre>
 */
public final class FileParts {
  /** A stretch of the body. */
  public sealed interface Segment permits Text, Slice {}

  /**
   * Bytes of the body's own (a part's delimiter and header fields).
   *
   * @param bytes the text, never changed
   */
  public record Text(byte[] bytes) implements Segment {}

  /**
   * Bytes of the file.
   *
   * @param offset the first byte's position in the file
   * @param length how many bytes
   */
  public record Slice(long offset, long length) implements Segment {}

  private final FileChannel file;
  private final Path path;
  private final List<Segment> segments;
  private final long length;
  private int index; // the segment being read
  private long within; // bytes of it read
  private long progress;

  private FileParts(FileChannel file, Path path, List<Segment> segments) {
    this.file = file;
    this.path = path;
    this.segments = List.copyOf(segments);
    long total = 0;
    for (Segment s : this.segments) {
      total += size(s);
    }
    this.length = total;
  }

  /** The slice of a file body whose file the exchange opened ({@code range.channel()} present). */
  public static FileParts of(ResponseBody.FileRange range) {
    List<Segment> segments = range.length() == 0 ? List.of() : List.of(new Slice(range.offset(), range.length()));
    return new FileParts(range.channel().orElseThrow(), range.path(), segments);
  }

  /**
   * The parts of {@code written}, claimed for the server to send ({@link BodySource#claim}), if
   * its writer is a {@code multipart/byteranges} body's that has neither run nor been abandoned;
   * else null, and the writer runs in its lane as any.
   */
  public static FileParts claim(ResponseBody.Written written) {
    if (!(written.writer() instanceof BodySource source) || !(source.writer() instanceof ByteRangeParts parts)) {
      return null;
    }
    List<Segment> segments = new ArrayList<>(parts.parts().size() * 2 + 1);
    for (ByteRangeParts.Part p : parts.parts()) {
      add(segments, new Text(p.head()));
      add(segments, new Slice(p.offset(), p.length()));
    }
    add(segments, new Text(parts.end()));
    FileParts body = new FileParts(parts.file(), parts.path(), segments);
    // A length that is not the one declared would frame the response wrongly: the writer's path checks it.
    return body.length == written.length() && source.claim() ? body : null;
  }

  private static void add(List<Segment> segments, Segment s) {
    if (size(s) > 0) {
      segments.add(s);
    }
  }

  private static long size(Segment s) {
    return switch (s) {
      case Text t -> t.bytes().length;
      case Slice f -> f.length();
    };
  }

  /** The open file the slices are of. */
  public FileChannel file() {
    return file;
  }

  /** The texts and slices, in order, none empty. */
  public List<Segment> segments() {
    return segments;
  }

  /** The body's length in bytes. */
  public long length() {
    return length;
  }

  /** Bytes {@link #read} so far. */
  public long progress() {
    return progress;
  }

  /** Whether every byte has been read. */
  public boolean isEnd() {
    return progress == length;
  }

  /**
   * The next at most {@code max} bytes, the body's texts and the file's bytes in order, or an
   * empty buffer once every byte has been read. Fails if the file ends before a slice does (it
   * was truncated after the response was built): the response is then cut, never left waiting.
   */
  public ByteBuf read(ByteBufAllocator alloc, int max) throws IOException {
    int n = (int) Math.min(max, length - progress);
    ByteBuf chunk = alloc.buffer(n);
    try {
      while (chunk.readableBytes() < n) {
        Segment s = segments.get(index);
        int want = (int) Math.min(n - chunk.readableBytes(), size(s) - within);
        int got = switch (s) {
          case Text t -> {
            chunk.writeBytes(t.bytes(), (int) within, want);
            yield want;
          }
          case Slice f -> {
            int read = chunk.writeBytes(file, f.offset() + within, want);
            if (read < 0) {
              throw new IOException(path + " ended at byte " + (f.offset() + within) + " of the "
                  + (f.offset() + f.length()) + " its response sends: it shrank while being sent");
            }
            yield read;
          }
        };
        within += got;
        progress += got;
        if (within == size(s)) {
          index++;
          within = 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      chunk.release();
      throw e;
    }
    return chunk;
  }
}

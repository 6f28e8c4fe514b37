package dev.lanes.internal.http;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@code multipart/byteranges} body's writer, as the server sees it. The server sends what it
 * describes itself, from the event loop as it sends a single range (the parts' bytes straight from
 * the open file, between the boundary texts), instead of running the writer in its lane: a
 * client that reads slowly then holds no lane token. It also tells the type and complete length
 * of the representation its parts are ranges of, which the 206's own head names nowhere (its type
 * is the multipart one, and it has no {@code Content-Range}, RFC 9110 14.6). By them the server
 * tells whether that representation's 200 could have been compressed, and gives the 206 the
 * {@code Vary} that 200 would have (RFC 9110 15.3.7). The arrays it gives are read, never changed.
 *
 * <pre>{@code if (source.writer() instanceof ByteRangeParts p) eligible(200, p.type(), p.completeLength()); }</pre>
 */
public interface ByteRangeParts {
  /** The {@code Content-Type} each part names: the representation's. */
  String type();

  /** The representation's length in bytes, which each part's {@code Content-Range} names. */
  long completeLength();

  /** The file the parts are read from, open (its request's scope closes it), named in errors by {@link #path}. */
  FileChannel file();

  /** The file's path, for errors. */
  Path path();

  /** The parts, in the order sent. */
  List<Part> parts();

  /** The bytes after the last part: its line end and the closing delimiter. */
  byte[] end();

  /**
   * One part: the text before its bytes (the previous part's line end, the delimiter and the
   * part's header fields), then {@code length} bytes of the file from {@code offset}.
   *
   * @param head the text before the part's bytes
   * @param offset the part's first byte in the file
   * @param length the part's length, at least 1
   */
  record Part(byte[] head, long offset, long length) {}
}

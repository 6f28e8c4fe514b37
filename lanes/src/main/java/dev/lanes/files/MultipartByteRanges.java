package dev.lanes.files;

import dev.lanes.concurrency.Lanes;
import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import dev.lanes.internal.http.ByteRangeParts;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A 206 of several ranges of an open file: a {@code multipart/byteranges} body (RFC 9110 14.6)
 * with its exact {@code Content-Length}. The server sends it from the event loop as it sends a
 * single range ({@link ByteRangeParts}: the parts' bytes straight from the file, between the
 * boundary texts), so a client that reads slowly holds no token of the files lane. The writer
 * itself runs, in that lane, only where the server cannot see it (middleware wrapped it in a
 * writer of its own). It tells
 * the server the file's type and length, which its head does not name, so that the 206 gets the
 * {@code Vary} of the file's 200. Usage:
 * {@code MultipartByteRanges.response(path, channel, "text/plain", size, ranges)}.
 */
final class MultipartByteRanges implements ResponseBody.BodyWriter, ByteRangeParts {
  private final Path path;
  private final FileChannel channel;
  private final String contentType;
  private final long size;
  private final List<Part> parts;
  private final byte[] end;

  private MultipartByteRanges(Path path, FileChannel channel, String contentType, long size,
      List<ByteRanges.Range> ranges, String boundary) {
    this.path = path;
    this.channel = channel;
    this.contentType = contentType;
    this.size = size;
    List<Part> list = new ArrayList<>(ranges.size());
    for (ByteRanges.Range r : ranges) {
      // A part's line end goes with the next part's head: each part is then text, then file bytes.
      String head = (list.isEmpty() ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: " + contentType
          + "\r\nContent-Range: bytes " + r.first() + "-" + r.last() + "/" + size + "\r\n\r\n";
      list.add(new Part(head.getBytes(StandardCharsets.US_ASCII), r.first(), r.length()));
    }
    this.parts = List.copyOf(list);
    this.end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** The 206 with {@code ranges} (two or more) of the file {@code channel} reads, closing it when written. */
  static Response response(Path path, FileChannel channel, String contentType, long size,
      List<ByteRanges.Range> ranges) {
    // Of one width (Starlette's is 26 hex digits): a HEAD names the length its GET sends.
    String boundary = "lanes-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    MultipartByteRanges body = new MultipartByteRanges(path, channel, contentType, size, ranges, boundary);
    return Response.of(206, "multipart/byteranges; boundary=" + boundary,
        new ResponseBody.Written(body, Lanes.FILES, body.length()));
  }

  private long length() {
    long total = end.length;
    for (Part p : parts) {
      total += p.head().length + p.length();
    }
    return total;
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    try (channel) {
      for (Part p : parts) {
        out.write(p.head());
        copy(p, out);
      }
      out.write(end);
    }
  }

  @Override
  public void abandon() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // read-only: nothing to lose
    }
  }

  @Override
  public String type() {
    return contentType;
  }

  @Override
  public long completeLength() {
    return size;
  }

  @Override
  public FileChannel file() {
    return channel;
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public List<Part> parts() {
    return parts;
  }

  @Override
  public byte[] end() {
    return end;
  }

  private void copy(Part p, OutputStream out) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(64 * 1024, p.length()));
    long pos = p.offset();
    long remaining = p.length();
    while (remaining > 0) {
      buf.clear().limit((int) Math.min(buf.capacity(), remaining));
      int n = channel.read(buf, pos);
      if (n < 0) {
        throw new IOException(path + " shrank while being sent");
      }
      out.write(buf.array(), 0, n);
      pos += n;
      remaining -= n;
    }
  }
}

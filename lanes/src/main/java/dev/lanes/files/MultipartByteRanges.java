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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A 206 of several ranges of an open file: a {@code multipart/byteranges} body (RFC 9110 14.6),
 * written from the files lane with its exact {@code Content-Length}. It tells the server the
 * file's type and length ({@link ByteRangeParts}), which its head does not name, so that the 206
 * gets the {@code Vary} of the file's 200. Usage:
 * {@code MultipartByteRanges.response(channel, "text/plain", size, ranges)}.
 */
final class MultipartByteRanges implements ResponseBody.BodyWriter, ByteRangeParts {
  private static final byte[] CRLF = {'\r', '\n'};

  private final FileChannel channel;
  private final String contentType;
  private final long size;
  private final List<ByteRanges.Range> ranges;
  private final byte[][] heads;
  private final byte[] tail;

  private MultipartByteRanges(FileChannel channel, String contentType, long size, List<ByteRanges.Range> ranges,
      String boundary) {
    this.channel = channel;
    this.contentType = contentType;
    this.size = size;
    this.ranges = ranges;
    this.heads = new byte[ranges.size()][];
    for (int i = 0; i < ranges.size(); i++) {
      ByteRanges.Range r = ranges.get(i);
      heads[i] = ("--" + boundary + "\r\nContent-Type: " + contentType + "\r\nContent-Range: bytes "
          + r.first() + "-" + r.last() + "/" + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }
    this.tail = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** The 206 with {@code ranges} (two or more) of the file {@code channel} reads, closing it when written. */
  static Response response(FileChannel channel, String contentType, long size, List<ByteRanges.Range> ranges) {
    // Of one width (Starlette's is 26 hex digits): a HEAD names the length its GET sends.
    String boundary = "lanes-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    MultipartByteRanges body = new MultipartByteRanges(channel, contentType, size, ranges, boundary);
    return Response.of(206, "multipart/byteranges; boundary=" + boundary,
        new ResponseBody.Written(body, Lanes.FILES, body.length()));
  }

  private long length() {
    long total = tail.length;
    for (int i = 0; i < ranges.size(); i++) {
      total += heads[i].length + ranges.get(i).length() + CRLF.length;
    }
    return total;
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    try (channel) {
      for (int i = 0; i < ranges.size(); i++) {
        out.write(heads[i]);
        copy(ranges.get(i), out);
        out.write(CRLF);
      }
      out.write(tail);
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

  private void copy(ByteRanges.Range r, OutputStream out) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(64 * 1024, r.length()));
    long pos = r.first();
    long remaining = r.length();
    while (remaining > 0) {
      buf.clear().limit((int) Math.min(buf.capacity(), remaining));
      int n = channel.read(buf, pos);
      if (n < 0) {
        throw new IOException("file shrank while being sent");
      }
      out.write(buf.array(), 0, n);
      pos += n;
      remaining -= n;
    }
  }
}

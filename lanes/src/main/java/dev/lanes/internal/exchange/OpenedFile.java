package dev.lanes.internal.exchange;

import dev.lanes.http.Response;
import dev.lanes.http.ResponseBody;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;

/**
 * A file body made ready before its head is written, so that a file that cannot be sent is still
 * answered with an error status rather than a head followed by a cut: the file open (opened now
 * if the app gave only its path, which must name a regular file) and long enough for the slice.
 */
final class OpenedFile {
  private OpenedFile() {}

  /** {@code range} with its file open; the caller owns the channel (see {@link #close}). */
  static ResponseBody.FileRange open(ResponseBody.FileRange range) throws IOException {
    ResponseBody.FileRange open = range;
    if (range.channel().isEmpty()) {
      // Checked before opening, which runs on the loop: opening a FIFO blocks until a writer comes.
      if (!Files.readAttributes(range.path(), BasicFileAttributes.class).isRegularFile()) {
        throw new IOException(range.path() + " is not a regular file");
      }
      open = new ResponseBody.FileRange(range.path(), range.offset(), range.length(),
          Optional.of(FileChannel.open(range.path(), StandardOpenOption.READ)));
    }
    FileChannel channel = open.channel().orElseThrow();
    try {
      if (!channel.isOpen()) {
        throw new IOException(range.path() + " is closed: its request's scope ended (a file response"
            + " is sent for the request it was built for)");
      }
      if (channel.size() < range.offset() + range.length()) {
        throw new IOException(range.path() + " has " + channel.size() + " bytes, fewer than the "
            + (range.offset() + range.length()) + " its response sends");
      }
    } catch (IOException e) {
      close(open);
      throw e;
    }
    return open;
  }

  /** {@code response} with {@code body} instead of its own. */
  static Response withBody(Response response, ResponseBody body) {
    Response r = Response.of(response.status(), response.contentType().orElse(null), body)
        .withBackground(response.background());
    for (Map.Entry<String, String> h : response.headers()) {
      r = r.withHeader(h.getKey(), h.getValue());
    }
    return r;
  }

  /** Closes the file of {@code range} if it has one open. */
  static void close(ResponseBody.FileRange range) {
    range.channel().ifPresent(channel -> {
      try {
        channel.close();
      } catch (IOException ignored) {
        // read-only: nothing to lose
      }
    });
  }
}

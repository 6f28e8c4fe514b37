package dev.lanes.forms;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.multipart.DiskFileUpload;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.MemoryFileUpload;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one form's file parts are kept: a part stays in memory up to {@code spoolThreshold}
 * bytes and only while the parts kept in memory total at most a budget; past either it goes to a
 * temporary file as it arrives. Without the budget {@code maxParts} small files (1000 × 1 MiB by
 * default) would all be held in memory, which on a streamed route nothing else bounds.
 *
 * <p>The move to disk is done here rather than by Netty's {@code MixedFileUpload}: that one
 * loses its new file when the first write into it fails (a cancelled request's interrupt closes
 * the channel), and the file outlives the request. Here a part's file is listed for
 * {@link #deleteAll} before anything is written to it.
 *
 * <p>Confined to one parse: parts are created and filled on the parsing thread, and
 * {@link #deleteAll} runs once that parse is over ({@link Form}'s phases order the two).
 */
final class FilePartStore {
  private final long spoolThreshold;
  private final List<FileUpload> uploads = new ArrayList<>();
  private long memoryLeft;

  FilePartStore(long spoolThreshold, long memoryBudget) {
    this.spoolThreshold = spoolThreshold;
    this.memoryLeft = memoryBudget;
  }

  /** One file part as it arrives: {@link #add} its content, then take its {@link #upload}. */
  final class Part {
    private final String contentType;
    private final String transferEncoding;
    private final Charset charset;
    private final long memoryLimit;
    private FileUpload upload;

    private Part(String contentType, String transferEncoding, Charset charset, long memoryLimit) {
      this.contentType = contentType;
      this.transferEncoding = transferEncoding;
      this.charset = charset;
      this.memoryLimit = memoryLimit;
      // The names are kept by UploadFile as sent; Netty's data would trim them, and it refuses some
      // characters a browser does send in a file name (a backslash), so it gets neutral ones.
      this.upload = new MemoryFileUpload("file", "upload", contentType, transferEncoding, charset, 0);
      uploads.add(upload);
    }

    /** Appends {@code data} (released here), moving the part to a temporary file once it passes its limit. */
    void add(ByteBuf data, boolean last) throws IOException {
      if (upload.isInMemory() && upload.length() + data.readableBytes() > memoryLimit) {
        toDisk(data);
      }
      upload.addContent(data, last);
    }

    private void toDisk(ByteBuf data) throws IOException {
      // A null base directory is DiskFileUpload.baseDirectory (the JVM's temporary one by default);
      // deleted at the request's end, as deleteOnExit would leak a list entry per file.
      FileUpload disk = new DiskFileUpload("file", "upload", contentType, transferEncoding, charset, 0, null, false);
      uploads.add(disk); // listed before its file exists: deleteAll removes it whatever happens next
      FileUpload memory = upload;
      upload = disk;
      ByteBuf held = memory.getByteBuf();
      if (held != null && held.isReadable()) {
        try {
          disk.addContent(held.retain(), false);
        } catch (IOException | RuntimeException e) {
          data.release(); // as addContent would have
          throw e;
        }
      }
      uploads.removeIf(u -> u == memory); // by identity: Netty's uploads are equal by name, all "file" here
      memory.release();
    }

    /** What was received, in memory or in its file. */
    FileUpload upload() {
      return upload;
    }
  }

  /**
   * A new part, its size not known yet: in memory up to what the threshold and the budget's rest
   * allow, so the budget is never overdrawn.
   */
  Part create(String contentType, String transferEncoding, Charset charset) {
    return new Part(contentType, transferEncoding, charset, Math.min(spoolThreshold, memoryLeft));
  }

  /** The part has all its content: if it stayed in memory, the budget's rest shrinks by its size. */
  void completed(Part part) {
    if (part.upload.isInMemory()) {
      memoryLeft -= part.upload.length();
    }
  }

  /** Frees every part: temporary files deleted, memory released. */
  void deleteAll() {
    for (FileUpload upload : uploads) {
      upload.release();
    }
    uploads.clear();
  }
}

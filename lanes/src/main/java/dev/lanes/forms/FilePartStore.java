package dev.lanes.forms;

import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.MixedFileUpload;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one form's file parts are kept: a part stays in memory up to {@code spoolThreshold}
 * bytes and only while the parts kept in memory total at most a budget; past either it goes to a
 * temporary file as it arrives. Without the budget {@code maxParts} small files (1000 × 1 MiB by
 * default) would all be held in memory, which on a streamed route nothing else bounds.
 *
 * <p>Confined to one parse: parts are created and completed on the parsing thread, and
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

  /**
   * A new part, its size not known yet: in memory up to what the threshold and the budget's rest
   * allow (Netty moves it to disk once it passes that), so the budget is never overdrawn.
   */
  FileUpload create(String contentType, String transferEncoding, Charset charset) {
    // The names are kept by UploadFile as sent; Netty's data would trim them, and it refuses some
    // characters a browser does send in a file name (a backslash), so it gets neutral ones.
    // A null base directory is DiskFileUpload.baseDirectory (the JVM's temporary one by default);
    // deleted at the request's end, as deleteOnExit would leak a list entry per file.
    FileUpload upload = new MixedFileUpload("file", "upload", contentType, transferEncoding, charset, 0,
        Math.min(spoolThreshold, memoryLeft), null, false);
    uploads.add(upload);
    return upload;
  }

  /** The part has all its content: if it stayed in memory, the budget's rest shrinks by its size. */
  void completed(FileUpload upload) {
    if (upload.isInMemory()) {
      memoryLeft -= upload.length();
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

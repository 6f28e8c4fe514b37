package dev.lanes.forms;

import io.netty.handler.codec.http.multipart.FileUpload;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A file part of a multipart form (Starlette's {@code UploadFile}). A part within
 * {@code FormLimits.spoolThreshold} lives in memory while the form's parts in memory total at most
 * {@code FormLimits.maxFieldsSize}; any other in a temporary file that is deleted when the request
 * ends ({@link #moveTo} keeps it). Every method reads the same content either way;
 * {@link #onDisk} and {@link #path} tell which.
 *
 * <pre>{@code UploadFile f = form.file("avatar").orElseThrow(); f.moveTo(dir.resolve(UUID.randomUUID() + ".png")); }</pre>
 *
 * <p>The file name is the client's: {@code ../../etc/cron.d/x} or an absolute path, which
 * {@code dir.resolve} would follow out of {@code dir}. Store under a name of the server's.
 */
public final class UploadFile {
  private final FileUpload upload;
  private final String fieldName;
  private final String filename;

  UploadFile(FileUpload upload, String fieldName, String filename) {
    this.upload = upload;
    this.fieldName = fieldName;
    this.filename = filename;
  }

  /** The form field's name, as sent. */
  public String fieldName() {
    return fieldName;
  }

  /**
   * The file name the client sent, as sent ({@code filename*} if given, else {@code filename});
   * untrusted: never use it as a path as is.
   */
  public String filename() {
    return filename;
  }

  /** The part's media type without parameters ({@code application/octet-stream} if none was sent). */
  public String contentType() {
    return upload.getContentType();
  }

  public long size() {
    return upload.length();
  }

  /** Whether the part was spooled to a temporary file. */
  public boolean onDisk() {
    return !upload.isInMemory();
  }

  /** The temporary file, if spooled. */
  public Optional<Path> path() {
    try {
      return upload.isInMemory() ? Optional.empty() : Optional.of(upload.getFile().toPath());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Reads the content (blocking when on disk). */
  public InputStream open() throws IOException {
    return upload.isInMemory() ? new ByteArrayInputStream(upload.get()) : Files.newInputStream(upload.getFile().toPath());
  }

  /** The whole content in memory. */
  public byte[] bytes() throws IOException {
    try (InputStream in = open()) {
      return in.readAllBytes();
    }
  }

  /** Moves (or writes) the content to {@code target}; the temporary file is then gone. */
  public void moveTo(Path target) throws IOException {
    if (upload.isInMemory()) {
      Files.write(target, upload.get());
    } else {
      Files.move(upload.getFile().toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}

package dev.lanes.forms;

import dev.lanes.concurrency.Concurrency;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.HttpException;
import dev.lanes.http.Params;
import dev.lanes.http.Request;
import dev.lanes.internal.concurrency.LoopBinding;
import dev.lanes.internal.http.StreamedBodyFailure;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A parsed {@code multipart/form-data} or {@code application/x-www-form-urlencoded} body. A body
 * read whole is parsed in the {@code files} lane; on a route with
 * {@code RouteOptions.streamedBody} {@link #read} parses the body as it arrives, on the handler's
 * thread, holding only a fixed buffer, the text fields (at most {@code maxFieldsSize} bytes in
 * all) and the small file parts (each within {@code spoolThreshold}, at most
 * {@code maxFieldsSize} bytes in all) in memory (other file parts go to disk as they arrive), so
 * an upload may be larger than {@code ServerConfig.maxBodySize}. Both are read by the same rules;
 * temporary files are removed when the request ends (response sent, error or disconnect), or
 * when the parse fails, before the error is thrown. A
 * request's form is parsed once: later calls get the same form (or error).
 *
 * <p>Lanes splits the body itself (Netty's upload classes only spool file parts): Content-Type
 * parameters in any order, field names and file names as sent ({@code filename*} included); text
 * fields in their part's charset, else the one a {@code _charset_} field names (RFC 7578 4.6),
 * else the Content-Type's, else UTF-8. An empty body is an empty form, multipart or urlencoded
 * (as Starlette reads it). A non-empty
 * body that is not a complete multipart body of its declared boundary, or a malformed part or
 * header, is a 400 {@link HttpException} with a fixed message (an urlencoded body is read as the
 * WHATWG URL standard reads it: a '%' that starts no escape is kept as sent); a body of another
 * type (or none) a 415; past
 * {@link FormLimits} a 413; a temporary file the server cannot write a 500 (details only in the log).
 * A streamed body past its route's limit is a 413, one that stops arriving a 408, as the server
 * answers them.
 *
 * <pre>{@code
 * Form form = Form.read(req);                       // from a blocking handler
 * String title = form.fields().get("title");
 * for (UploadFile f : form.files()) { ... }
 * }</pre>
 */
public final class Form {
  // A parse's phases, for when its cleanup may run (see parse).
  private static final int PARSING = 0;
  private static final int PARSED = 1;
  private static final int CLOSED_WHILE_PARSING = 2;
  private static final Set<String> TRANSFER_ENCODINGS = Set.of("7bit", "8bit", "binary");
  private static final int CHUNK_BYTES = 64 * 1024; // what goes to a part's file at a time

  private final Params fields;
  private final List<UploadFile> files;
  private final Map<String, List<Object>> parts; // every part's value by name, in the order sent

  private Form(Params fields, List<UploadFile> files, Map<String, List<Object>> parts) {
    this.fields = fields;
    this.files = files;
    this.parts = parts;
  }

  private static Form urlencoded(Map<String, List<String>> fields) {
    Map<String, List<Object>> parts = new LinkedHashMap<>();
    fields.forEach((name, values) -> parts.put(name, List.copyOf(values)));
    return new Form(Params.of("form field", fields), List.of(), parts);
  }

  public Params fields() {
    return fields;
  }

  public List<UploadFile> files() {
    return files;
  }

  /** The first file part named {@code field}. */
  public Optional<UploadFile> file(String field) {
    return files.stream().filter(f -> f.fieldName().equals(field)).findFirst();
  }

  /**
   * Every part named {@code name} in the order sent, text fields and file parts together
   * (Starlette's {@code FormData.getlist}): a {@code String} for a text field, an
   * {@link UploadFile} for a file part; empty if there is none.
   *
   * <pre>{@code for (Object part : form.values("avatar")) { if (part instanceof UploadFile f) { ... } } }</pre>
   */
  public List<Object> values(String name) {
    return parts.getOrDefault(name, List.of());
  }

  /**
   * Every part's name, text field or file part, in the order each was first sent.
   *
   * <pre>{@code for (String name : form.names()) { List<Object> parts = form.values(name); ... }}</pre>
   */
  public Set<String> names() {
    return Collections.unmodifiableSet(parts.keySet());
  }

  /** A form with no fields and no files (what a request without a form body carries). */
  public static Form empty() {
    return new Form(Params.of("form field", Map.of()), List.of(), Map.of());
  }

  /** Parses the form from blocking code with default limits; never call it on an event loop. */
  public static Form read(Request request) {
    return read(request, FormLimits.defaults());
  }

  /**
   * Parses the form with {@code limits}; a request's form is parsed once, as Starlette's
   * {@code request.form()} caches it: a later call (with any limits) gets the first's form or error.
   */
  public static Form read(Request request, FormLimits limits) {
    if (LoopBinding.onLoop()) {
      throw new IllegalStateException("Form.read blocks; from an async handler use Form.readAsync");
    }
    CompletableFuture<Form> parsing;
    if (request.bodyStreamed()) {
      // Read as it arrives, at the client's pace: on this (the handler's) thread, which reads a
      // streamed body, rather than holding a files lane token for as long as the upload lasts.
      CompletableFuture<Form> mine = new CompletableFuture<>();
      parsing = request.state().computeIfAbsent(Parsed.class, () -> new Parsed(mine)).form();
      if (parsing == mine) {
        try {
          Form form = parse(request, limits);
          mine.complete(form);
          return form;
        } catch (RuntimeException | Error e) {
          mine.completeExceptionally(e);
          throw e;
        }
      }
    } else {
      parsing = readAsync(request, limits);
    }
    try {
      return parsing.get();
    } catch (InterruptedException e) {
      // The request was cancelled (disconnect, deadline): stop the parse and give the token back.
      parsing.cancel(true);
      Thread.currentThread().interrupt();
      throw new CancellationException("request cancelled while reading its form");
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new CompletionException(e.getCause());
    }
  }

  /** Parses the form in the {@code files} lane; called on an event loop, the result completes back on it. */
  public static CompletableFuture<Form> readAsync(Request request) {
    return readAsync(request, FormLimits.defaults());
  }

  /** As {@link #read(Request, FormLimits)}, in the {@code files} lane: parsed once per request. */
  public static CompletableFuture<Form> readAsync(Request request, FormLimits limits) {
    return request.state().computeIfAbsent(Parsed.class, () -> new Parsed(
        Concurrency.runBlocking(request.lanes().get(Lanes.FILES), () -> parse(request, limits)))).form();
  }

  /**
   * A request's form, kept in its state (a type no app can name): a streamed body can be read
   * only once, and a body read whole need not be parsed, nor its files spooled, twice.
   */
  private record Parsed(CompletableFuture<Form> form) { }

  /** A text field as sent, its charset its part's own (null: the form's). */
  private record TextPart(String name, byte[] value, Charset charset) { }

  private static Form parse(Request request, FormLimits limits) {
    String contentType = request.header("content-type").orElse("");
    int semicolon = contentType.indexOf(';');
    String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    boolean multipart = media.equals("multipart/form-data");
    if (!multipart && !media.equals("application/x-www-form-urlencoded")) {
      throw new HttpException(415, "expected a form (multipart/form-data or "
          + "application/x-www-form-urlencoded), got '" + contentType + "'");
    }
    // Parameters in any order, quoted or not (Netty looked for the boundary in the first two only).
    HeaderValue type = HeaderValue.parse(contentType, "the Content-Type");
    Charset charset = charset(type.params().get("charset"), "the Content-Type", StandardCharsets.UTF_8);
    // One reading for a body whole in memory and one streamed as it arrives (RouteOptions.streamedBody).
    InputStream body = request.bodyStream();
    if (!multipart) {
      try {
        return urlencoded(UrlEncoded.parse(body, charset, limits));
      } catch (IOException e) {
        throw unreadable(e);
      }
    }
    String boundary = type.params().get("boundary");
    if (boundary == null) {
      // Netty would read it as urlencoded and find nonsense fields; Starlette refuses it too
      throw new HttpException(400, "malformed form: multipart/form-data without a boundary parameter");
    }
    if (boundary.isEmpty()) {
      throw new HttpException(400, "malformed form: multipart/form-data with an empty boundary");
    }
    if (boundary.length() > 70) {
      // RFC 2046 5.1.1 allows 1..70 characters; a longer one only makes the search costlier
      throw new HttpException(400, "malformed form: a multipart boundary of " + boundary.length()
          + " characters (at most 70)");
    }
    // The file parts kept in memory are bounded by maxFieldsSize too, a budget of their own beside
    // the text fields': past it they go to disk, so many small files cannot fill the heap.
    FilePartStore store = new FilePartStore(limits.spoolThreshold(), limits.maxFieldsSize());
    // The request can end (a disconnect closes the scope from the loop) while this parse runs on
    // another thread. Netty's uploads are not thread-safe: a part released under a running parse
    // gets written again and its file outlives every list that could delete it. So the cleanup
    // runs once the parse is over: at the scope's close if the parse has ended, else by the parse
    // itself when it ends; and by a parse that fails, at once (as Starlette's parser closes its
    // files before it raises): no one can read a failed form's files, and a handler may go on for
    // long after the error, or its 400 reach a slow client slowly. Once, whichever thread runs it.
    AtomicBoolean deleted = new AtomicBoolean();
    Runnable cleanup = () -> {
      if (deleted.compareAndSet(false, true)) {
        store.deleteAll(); // every temporary file of this request
      }
    };
    AtomicInteger phase = new AtomicInteger(PARSING);
    request.scope().onClose(() -> {
      if (!phase.compareAndSet(PARSING, CLOSED_WHILE_PARSING)) {
        cleanup.run();
      }
    });
    boolean parsed = false;
    try {
      MultipartBody parts = new MultipartBody(body, boundary);
      List<Object> sent = new ArrayList<>(); // every part in order: a TextPart or an UploadFile
      List<UploadFile> files = new ArrayList<>();
      byte[] charsetField = null; // the first _charset_ field's value
      byte[] chunk = new byte[CHUNK_BYTES];
      long fieldBytes = 0; // text fields' names and values so far: all held in memory
      for (MultipartBody.Part part = parts.next(); part != null; part = parts.next()) {
        if (part.number() > limits.maxParts()) {
          throw limits.tooManyParts();
        }
        String disposition = part.headers().get("content-disposition");
        if (disposition == null) {
          throw new HttpException(400, "malformed form: part " + part.number() + " has no Content-Disposition header");
        }
        ContentDisposition names = ContentDisposition.parse(disposition, part.number());
        String encoding = part.headers().get("content-transfer-encoding");
        if (encoding != null && !TRANSFER_ENCODINGS.contains(encoding.toLowerCase(Locale.ROOT))) {
          // what Netty's decoder took; a base64 or quoted-printable part would be read undecoded
          throw new HttpException(400, "malformed form: part " + part.number()
              + " has an unsupported Content-Transfer-Encoding (7bit, 8bit or binary)");
        }
        String partType = part.headers().get("content-type");
        HeaderValue partMedia = partType == null ? null : HeaderValue.parse(partType, "part " + part.number() + "'s Content-Type");
        Charset ownCharset = partMedia == null ? null
            : charset(partMedia.params().get("charset"), "part " + part.number() + "'s Content-Type", null);
        if (names.filename() == null) {
          fieldBytes += names.name().getBytes(StandardCharsets.UTF_8).length;
          if (fieldBytes > limits.maxFieldsSize()) {
            throw limits.fieldsTooLarge();
          }
          ByteArrayOutputStream value = new ByteArrayOutputStream();
          for (int n; (n = parts.content(chunk, 0, chunk.length)) >= 0; ) {
            if (value.size() + (long) n > limits.maxPartSize()) {
              throw limits.partTooLarge();
            }
            fieldBytes += n;
            if (fieldBytes > limits.maxFieldsSize()) {
              throw limits.fieldsTooLarge(); // as it passes: a streamed body need not be read on
            }
            value.write(chunk, 0, n);
          }
          // Decoded once the form is read: a _charset_ field after it may name its charset.
          TextPart text = new TextPart(names.name(), value.toByteArray(), ownCharset);
          if (charsetField == null && text.name().equals(CharsetField.NAME)) {
            charsetField = text.value();
          }
          sent.add(text);
          continue;
        }
        String fileType = partType == null ? "application/octet-stream" : partType.split(";", 2)[0].strip();
        FilePartStore.Part filePart = store.create(fileType, encoding, ownCharset != null ? ownCharset : charset);
        long size = 0;
        int held = 0; // bytes of chunk not spooled yet: whole chunks go on, not each read's few
        for (int n; (n = parts.content(chunk, held, chunk.length - held)) >= 0; ) {
          size += n;
          if (size > limits.maxPartSize()) {
            throw limits.partTooLarge();
          }
          held += n;
          if (held == chunk.length) {
            spool(filePart, chunk, held, false);
            held = 0;
          }
        }
        spool(filePart, chunk, held, true);
        store.completed(filePart);
        UploadFile file = new UploadFile(filePart.upload(), names.name(), names.filename());
        files.add(file);
        sent.add(file);
      }
      Charset textCharset = charsetField == null ? charset : CharsetField.charset(charsetField, charset);
      Map<String, List<String>> fields = new LinkedHashMap<>();
      Map<String, List<Object>> byName = new LinkedHashMap<>();
      for (Object one : sent) {
        if (one instanceof TextPart t) {
          String text = new String(t.value(), t.charset() != null ? t.charset() : textCharset);
          fields.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(text);
          byName.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(text);
        } else {
          UploadFile file = (UploadFile) one;
          byName.computeIfAbsent(file.fieldName(), k -> new ArrayList<>()).add(file);
        }
      }
      byName.replaceAll((name, values) -> List.copyOf(values));
      Form form = new Form(Params.of("form field", fields), List.copyOf(files), byName);
      parsed = true;
      return form;
    } catch (IOException e) {
      throw unreadable(e);
    } finally {
      if (!phase.compareAndSet(PARSING, PARSED) || !parsed) {
        cleanup.run(); // the request ended while this parse ran, or the parse failed
      }
    }
  }

  /** Adds {@code length} bytes of {@code chunk} (copied: the chunk is reused) to the part. */
  private static void spool(FilePartStore.Part part, byte[] chunk, int length, boolean last) {
    try {
      part.add(length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(chunk, 0, length), last);
    } catch (IOException e) {
      if (e instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
        throw cancelled(); // the request was cancelled (disconnect, deadline) mid-write
      }
      // the server's disk, not the client's form: a 500, the path only in the log
      throw new UncheckedIOException("could not spool a form upload to a temporary file", e);
    }
  }

  /**
   * A body that could not be read on: a streamed body past its route's limit, stopped arriving
   * or badly chunked is answered as the server answers it (413, 408, 400); a cancelled request
   * stops the parse; a client that left gets a 400 nobody reads.
   */
  private static RuntimeException unreadable(IOException e) {
    StreamedBodyFailure failure = StreamedBodyFailure.in(e);
    if (failure != null) {
      return new HttpException(failure.status(), failure.getMessage());
    }
    if (e instanceof InterruptedIOException || Thread.currentThread().isInterrupted()) {
      return cancelled();
    }
    return new HttpException(400, "the form could not be read: " + e.getMessage());
  }

  private static CancellationException cancelled() {
    Thread.currentThread().interrupt();
    return new CancellationException("request cancelled while reading its form");
  }

  /** The named charset, {@code otherwise} if none; an unknown one is the client's error. */
  private static Charset charset(String name, String where, Charset otherwise) {
    if (name == null) {
      return otherwise;
    }
    try {
      return Charset.forName(name);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw new HttpException(400, "malformed form: " + where + " has an unknown charset");
    }
  }
}

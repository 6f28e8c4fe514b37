package dev.lanes.http;

import dev.lanes.background.BackgroundTasks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP response: status, headers and a body. Immutable; the {@code with*} methods return
 * copies, so a response may be built once and served many times (except a
 * {@code FileResponse}, which holds its file open for the request it was built for).
 *
 * <pre>{@code
 * return Response.json(Map.of("id", id)).withStatus(201).withHeader("Location", "/items/" + id);
 * }</pre>
 */
public final class Response {
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String JSON = "application/json";
  private static final String HTML = "text/html; charset=utf-8";
  private static final String OCTETS = "application/octet-stream";

  private final int status;
  private final String contentType; // "" when none
  private final List<Map.Entry<String, String>> headers;
  private final ResponseBody body;
  private final BackgroundTasks background;

  private Response(int status, String contentType, List<Map.Entry<String, String>> headers,
      ResponseBody body) {
    this(status, contentType, headers, body, BackgroundTasks.NONE);
  }

  private Response(int status, String contentType, List<Map.Entry<String, String>> headers,
      ResponseBody body, BackgroundTasks background) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100..599: " + status);
    }
    this.status = status;
    this.contentType = contentType;
    this.headers = headers;
    this.body = body;
    this.background = background;
  }

  /** {@code 200 text/plain; charset=utf-8}. */
  public static Response text(String text) {
    return new Response(200, TEXT, List.of(), new ResponseBody.Bytes(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** {@code 200 text/html; charset=utf-8}. */
  public static Response html(String html) {
    return new Response(200, HTML, List.of(), new ResponseBody.Bytes(html.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * {@code 200 application/json} with {@code value}, serialised by the app's {@link JsonCodec}
   * when the response is sent (not here), so the body is a {@link ResponseBody.Json} until then.
   * A value the codec cannot write gives a 500 then.
   */
  public static Response json(Object value) {
    return new Response(200, JSON, List.of(), new ResponseBody.Json(value));
  }

  /** {@code 200} with raw bytes of the given content type. */
  public static Response bytes(byte[] data, String contentType) {
    Objects.requireNonNull(contentType, "contentType is null: name a media type (\"application/octet-stream\"),"
        + " or use Response.of(status, null, body) for none");
    validateHeader("Content-Type", contentType); // as withHeader: CR or LF would split the response head
    return new Response(200, contentType, List.of(), new ResponseBody.Bytes(data.clone()));
  }

  /** {@code 200 application/octet-stream}. */
  public static Response bytes(byte[] data) {
    return bytes(data, OCTETS);
  }

  /** An empty response with {@code status} (e.g. 204). */
  public static Response status(int status) {
    return new Response(status, "", List.of(), ResponseBody.Bytes.EMPTY);
  }

  /** A plain-text error or status message. */
  public static Response text(int status, String text) {
    return text(text).withStatus(status);
  }

  /** A response around any body; used by the richer response kinds. */
  public static Response of(int status, String contentType, ResponseBody body) {
    if (contentType != null) {
      validateHeader("Content-Type", contentType);
    }
    return new Response(status, contentType == null ? "" : contentType, List.of(), body);
  }

  public Response withStatus(int newStatus) {
    return new Response(newStatus, contentType, headers, body, background);
  }

  /**
   * Attaches tasks that run, in order, after the last byte of this response is written
   * (Starlette's {@code BackgroundTasks}); the client never waits for them.
   */
  public Response withBackground(BackgroundTasks tasks) {
    return new Response(status, contentType, headers, body, tasks);
  }

  /** The tasks to run after this response is sent; empty if none. */
  public BackgroundTasks background() {
    return background;
  }

  /** Adds a header (repeatable names such as Set-Cookie keep every value). */
  public Response withHeader(String name, String value) {
    validateHeader(name, value);
    if (name.equalsIgnoreCase("content-type")) {
      return new Response(status, value, headers, body, background);
    }
    List<Map.Entry<String, String>> copy = new ArrayList<>(headers.size() + 1);
    copy.addAll(headers);
    copy.add(Map.entry(name, value));
    return new Response(status, contentType, List.copyOf(copy), body, background);
  }

  /**
   * Adds a {@code Set-Cookie} header (Starlette's {@code set_cookie}; {@link SetCookie#delete} for
   * {@code delete_cookie}).
   *
   * <pre>{@code Response.text("ok").withCookie(SetCookie.of("theme", "dark").httpOnly(true))}</pre>
   */
  public Response withCookie(SetCookie cookie) {
    return withHeader("Set-Cookie", Objects.requireNonNull(cookie, "cookie").headerValue());
  }

  /** This response without any header named {@code name} (case-insensitive), so that it can be set anew. */
  public Response withoutHeader(String name) {
    if (name.equalsIgnoreCase("content-type")) {
      return new Response(status, "", headers, body, background);
    }
    List<Map.Entry<String, String>> kept = new ArrayList<>(headers.size());
    for (Map.Entry<String, String> e : headers) {
      if (!e.getKey().equalsIgnoreCase(name)) {
        kept.add(e);
      }
    }
    return kept.size() == headers.size() ? this : new Response(status, contentType, List.copyOf(kept), body, background);
  }

  public int status() {
    return status;
  }

  /** The Content-Type, if the response has one. */
  public Optional<String> contentType() {
    return contentType.isEmpty() ? Optional.empty() : Optional.of(contentType);
  }

  /** Headers other than Content-Type, in the order added. */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /** The first value of a header set with {@link #withHeader}. */
  public Optional<String> header(String name) {
    if (name.equalsIgnoreCase("content-type")) {
      return contentType();
    }
    for (Map.Entry<String, String> e : headers) { // a plain loop: the server asks on every response
      if (e.getKey().equalsIgnoreCase(name)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  public ResponseBody body() {
    return body;
  }

  /** This response with its JSON body serialised; see {@link JsonCodec#encode}. */
  Response withEncodedBody(ResponseBody.Bytes encoded) {
    return new Response(status, contentType.isEmpty() ? JSON : contentType, headers, encoded, background);
  }

  private static void validateHeader(String name, String value) {
    Objects.requireNonNull(name, "header name is null");
    Objects.requireNonNull(value, () -> "header " + name + " has a null value");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty header name");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
        throw new IllegalArgumentException("invalid header name: " + name);
      }
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException("header value of " + name + " contains CR, LF or NUL");
      }
    }
  }

  @Override
  public String toString() {
    return "Response[" + status + " " + contentType + " " + body.length() + " bytes]";
  }
}

package dev.lanes.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.http.HttpException;
import dev.lanes.http.JsonCodec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A response as a test sees it.
 *
 * @param status the status code
 * @param headers the response headers
 * @param body the body bytes
 */
public record TestResponse(int status, java.net.http.HttpHeaders headers, byte[] body) {

  static TestResponse of(HttpResponse<byte[]> r) {
    return new TestResponse(r.statusCode(), r.headers(), r.body());
  }

  /** The body as UTF-8 text. */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body parsed as a JSON tree. */
  public JsonNode json() {
    try {
      return JsonCodec.defaults().readTree(body);
    } catch (HttpException e) {
      throw new AssertionError("body is not JSON: " + text(), e);
    }
  }

  public Optional<String> header(String name) {
    return headers.firstValue(name);
  }

  public List<String> headerValues(String name) {
    return headers.allValues(name);
  }
}

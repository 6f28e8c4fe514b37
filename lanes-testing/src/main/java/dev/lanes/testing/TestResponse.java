package dev.lanes.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.http.HttpException;
import dev.lanes.http.JsonCodec;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A response as a test sees it.
 *
 * <pre>{@code
 * TestResponse r = client.followRedirects(true).get("/old");
 * assertThat(r.uri().getPath()).isEqualTo("/new");
 * assertThat(r.history()).extracting(TestResponse::status).containsExactly(307);
 * }</pre>
 *
 * @param status the status code
 * @param headers the response headers
 * @param body the body bytes
 * @param uri the URI of the request this answered: where the redirects led, when followed (httpx's {@code response.url})
 * @param history the redirects followed before it, oldest first, each with an empty history (httpx's
 *     {@code response.history}); empty when none was followed
 */
public record TestResponse(int status, java.net.http.HttpHeaders headers, byte[] body, URI uri,
    List<TestResponse> history) {

  public TestResponse {
    history = List.copyOf(history);
  }

  static TestResponse of(HttpResponse<byte[]> r) {
    return of(r, List.of());
  }

  static TestResponse of(HttpResponse<byte[]> r, List<TestResponse> history) {
    return new TestResponse(r.statusCode(), r.headers(), r.body(), r.uri(), history);
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

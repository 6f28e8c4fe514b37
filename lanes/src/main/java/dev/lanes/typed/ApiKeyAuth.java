package dev.lanes.typed;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanes.http.HttpException;
import dev.lanes.http.Request;
import dev.lanes.internal.http.CookieValues;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Provides the {@link ApiKey} a request carries in a header, query parameter or cookie
 * (FastAPI's {@code APIKeyHeader}, {@code APIKeyQuery}, {@code APIKeyCookie}); without one the
 * request ends with 401 {@code {"detail":"Not authenticated"}} and {@code WWW-Authenticate: APIKey}.
 *
 * <pre>{@code TypedApi.builder().provider(ApiKeyAuth.header("X-API-Key"))}</pre>
 */
public final class ApiKeyAuth implements SecurityScheme {
  private final String in;
  private final String name;
  private final HttpException refusal;

  private ApiKeyAuth(String in, String name, HttpException refusal) {
    if (name.isBlank()) {
      throw new IllegalArgumentException("an API key needs a name");
    }
    this.in = in;
    this.name = name;
    this.refusal = refusal;
  }

  private ApiKeyAuth(String in, String name) {
    this(in, name, new HttpException(401, "Not authenticated", Map.of("WWW-Authenticate", "APIKey")));
  }

  /**
   * This scheme answering a request without a key with {@code refusal} instead (FastAPI's
   * {@code auto_error=False} followed by the app's own check):
   * {@code ApiKeyAuth.header("X-API-Key").refusal(new HttpException(401, "Invalid API key"))}.
   */
  public ApiKeyAuth refusal(HttpException refusal) {
    return new ApiKeyAuth(in, name, java.util.Objects.requireNonNull(refusal, "refusal"));
  }

  public static ApiKeyAuth header(String name) {
    return new ApiKeyAuth("header", name);
  }

  public static ApiKeyAuth query(String name) {
    return new ApiKeyAuth("query", name);
  }

  public static ApiKeyAuth cookie(String name) {
    return new ApiKeyAuth("cookie", name);
  }

  @Provides
  ApiKey key(Request req) {
    Optional<String> value = switch (in) {
      case "header" -> req.header(name);
      case "query" -> last(req.query().all(name));
      default -> last(CookieValues.of(req.headers().all("cookie"), name));
    };
    return value.filter(v -> !v.isEmpty()).map(ApiKey::new).orElseThrow(() -> refusal);
  }

  /**
   * The last of a repeated query parameter or cookie, as Starlette's {@code query_params.get} and
   * {@code request.cookies} keep it (and as Lanes' own {@code @Query} and {@code @Cookie} do).
   */
  private static Optional<String> last(List<String> values) {
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
  }

  @Override
  public String schemeName() {
    return "APIKey" + Character.toUpperCase(in.charAt(0)) + in.substring(1);
  }

  @Override
  public ObjectNode definition() {
    return JsonNodeFactory.instance.objectNode().put("type", "apiKey").put("in", in).put("name", name);
  }
}

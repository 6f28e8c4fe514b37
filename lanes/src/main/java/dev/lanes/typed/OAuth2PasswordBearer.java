package dev.lanes.typed;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanes.http.HttpException;
import dev.lanes.http.Request;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Provides the {@link BearerToken} of the {@code Authorization} header, documented as OAuth2's
 * password flow with the URL where clients get a token (FastAPI's
 * {@code OAuth2PasswordBearer(tokenUrl=...)}); without one, 401 {@code {"detail":"Not authenticated"}}
 * with {@code WWW-Authenticate: Bearer}. The token endpoint reads an {@link OAuth2PasswordForm}.
 * It provides the same type as {@link BearerAuth}, so an API registers one of the two.
 *
 * <pre>{@code TypedApi.builder().provider(OAuth2PasswordBearer.tokenUrl("token"))}</pre>
 */
public final class OAuth2PasswordBearer implements SecurityScheme {
  private final String tokenUrl;
  private final Map<String, String> scopes;

  private OAuth2PasswordBearer(String tokenUrl, Map<String, String> scopes) {
    this.tokenUrl = tokenUrl;
    this.scopes = scopes;
  }

  /** A scheme whose clients get their token by posting an {@link OAuth2PasswordForm} to {@code url}. */
  public static OAuth2PasswordBearer tokenUrl(String url) {
    if (Objects.requireNonNull(url, "url").isBlank()) {
      throw new IllegalArgumentException("OAuth2PasswordBearer needs the token URL");
    }
    return new OAuth2PasswordBearer(url, Map.of());
  }

  /**
   * This scheme with one more scope a client may ask for, described for the document; a route may
   * require only declared scopes ({@link Scopes}).
   */
  public OAuth2PasswordBearer scope(String name, String description) {
    Map<String, String> more = new LinkedHashMap<>(scopes);
    more.put(PlanCompiler.scopeName(name, "OAuth2PasswordBearer"), Objects.requireNonNull(description, "description"));
    return new OAuth2PasswordBearer(tokenUrl, java.util.Collections.unmodifiableMap(more));
  }

  boolean declares(String scope) {
    return scopes.containsKey(scope);
  }

  java.util.Set<String> scopeNames() {
    return scopes.keySet();
  }

  @Provides
  BearerToken token(Request req) {
    return BearerToken.of(req).orElseThrow(
        () -> new HttpException(401, "Not authenticated", Map.of("WWW-Authenticate", "Bearer")));
  }

  @Override
  public String schemeName() {
    return "OAuth2PasswordBearer";
  }

  @Override
  public ObjectNode definition() {
    ObjectNode d = JsonNodeFactory.instance.objectNode().put("type", "oauth2");
    ObjectNode password = d.putObject("flows").putObject("password");
    ObjectNode s = password.putObject("scopes");
    scopes.forEach(s::put);
    password.put("tokenUrl", tokenUrl);
    return d;
  }
}

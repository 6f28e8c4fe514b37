package dev.lanes.typed;

import dev.lanes.http.HttpException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The OAuth2 scopes a route requires of the provider that takes this as a parameter (FastAPI's
 * {@code SecurityScopes}): those its {@link Scopes} annotations, route groups and the parameters
 * leading to it declare, each once, outer first. The provider checks the token's scopes itself,
 * typically with {@link #check}.
 *
 * <pre>{@code
 * @Provides User user(SecurityScopes required, BearerToken token) {
 *   Session s = sessions.find(token.value()).orElseThrow(() -> new HttpException(401, "Could not validate credentials",
 *       Map.of("WWW-Authenticate", required.challenge())));
 *   required.check(s.scopes());
 *   return s.user();
 * }
 * }</pre>
 */
public final class SecurityScopes {
  static final SecurityScopes NONE = new SecurityScopes(List.of());

  private final List<String> scopes;
  private final String scopeStr;

  SecurityScopes(List<String> scopes) {
    this.scopes = List.copyOf(scopes);
    this.scopeStr = String.join(" ", this.scopes);
  }

  /** The required scopes, each once, in the order they were declared (outer first). */
  public List<String> scopes() {
    return scopes;
  }

  /** The scopes separated by spaces, as OAuth2 writes them (FastAPI's {@code scope_str}). */
  public String scopeStr() {
    return scopeStr;
  }

  /**
   * The {@code WWW-Authenticate} value a refusal sends: {@code Bearer scope="items:read me"}, or
   * {@code Bearer} when no scope is required (the value FastAPI's tutorial sends).
   */
  public String challenge() {
    return scopes.isEmpty() ? "Bearer" : "Bearer scope=\"" + scopeStr + "\"";
  }

  /**
   * Throws 401 {@code {"detail":"Not enough permissions"}} with {@link #challenge()} unless
   * {@code granted} holds every required scope.
   */
  public void check(Collection<String> granted) {
    if (!granted.containsAll(scopes)) {
      throw new HttpException(401, "Not enough permissions", Map.of("WWW-Authenticate", challenge()));
    }
  }

  @Override
  public String toString() {
    return "SecurityScopes" + scopes;
  }
}

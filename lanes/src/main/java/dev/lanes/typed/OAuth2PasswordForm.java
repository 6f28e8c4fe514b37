package dev.lanes.typed;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The form a client posts to an OAuth2 token endpoint (FastAPI's {@code OAuth2PasswordRequestForm}):
 * fields {@code username}, {@code password} (required), {@code scope} (space-separated, default
 * empty), {@code grant_type} (absent or {@code password}), {@code client_id}, {@code client_secret}.
 * Any handler or provider may take it as a parameter; it is read from the request's form and
 * documented as its fields.
 *
 * <pre>{@code @Post("/token") Token token(OAuth2PasswordForm form) { check(form.username(), form.password()); ... }}</pre>
 *
 * @param grantType {@code password} if given
 * @param username the user's name
 * @param password the user's password
 * @param scopes the requested scopes, {@code scope} split at spaces
 * @param clientId the client's id, if given
 * @param clientSecret the client's secret, if given
 */
public record OAuth2PasswordForm(Optional<String> grantType, String username, String password, List<String> scopes,
    Optional<String> clientId, Optional<String> clientSecret) {
  public OAuth2PasswordForm {
    Objects.requireNonNull(grantType, "grantType");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    scopes = List.copyOf(scopes);
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
  }

  @Override
  public String toString() {
    return "OAuth2PasswordForm[username=" + username + ", scopes=" + scopes + ", password=***]";
  }
}

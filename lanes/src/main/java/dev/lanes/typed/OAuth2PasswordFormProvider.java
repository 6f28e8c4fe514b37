package dev.lanes.typed;

import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Optional;

/** Reads an {@link OAuth2PasswordForm}; registered when a route first needs one the app does not provide. */
final class OAuth2PasswordFormProvider {
  @Provides
  OAuth2PasswordForm form(
      @FormField("grant_type") @Pattern(regexp = "^password$") Optional<String> grantType,
      @FormField String username,
      @FormField @SchemaFormat("password") String password,
      @FormField @Default("") String scope,
      @FormField("client_id") Optional<String> clientId,
      @FormField("client_secret") @SchemaFormat("password") Optional<String> clientSecret) {
    List<String> scopes = scope.isBlank() ? List.of() : List.of(scope.strip().split("\\s+"));
    return new OAuth2PasswordForm(grantType, username, password, scopes, clientId, clientSecret);
  }
}

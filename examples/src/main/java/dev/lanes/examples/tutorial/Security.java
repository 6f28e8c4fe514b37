package dev.lanes.examples.tutorial;

import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.typed.ApiKey;
import dev.lanes.typed.ApiKeyAuth;
import dev.lanes.typed.BearerAuth;
import dev.lanes.typed.BearerToken;
import dev.lanes.typed.Get;
import dev.lanes.typed.Provides;
import dev.lanes.typed.Requires;
import dev.lanes.typed.TypedApi;
import java.util.List;
import java.util.Map;

/** Tutorial, security: a bearer token that names the current user, and an API key for admin routes. */
public final class Security {
  private Security() {}

  record User(String username, String email) {}

  /** Proof that the request carried the admin key. */
  record Admin() {}

  static final class Accounts {
    private static final Map<String, User> BY_TOKEN = Map.of("alice-token", new User("alice", "alice@example.com"));
    private static final HttpException INVALID_TOKEN =
        new HttpException(401, "Invalid authentication credentials", Map.of("WWW-Authenticate", "Bearer"));

    @Provides
    User currentUser(BearerToken token) {
      User user = BY_TOKEN.get(token.value()); // a real app verifies a signed token here
      if (user == null) {
        throw INVALID_TOKEN;
      }
      return user;
    }

    @Provides
    Admin admin(ApiKey key) {
      if (!key.value().equals("admin-key")) {
        throw new HttpException(401, "Invalid API key");
      }
      return new Admin();
    }
  }

  static final class Routes {
    @Get("/users/me")
    User readMe(User user) {
      return user;
    }

    @Get("/reports")
    @Requires(Admin.class)
    List<String> readReports() {
      return List.of("q1", "q2");
    }
  }

  static App app() {
    TypedApi api = TypedApi.builder()
        .title("Security")
        .provider(BearerAuth.create())
        .provider(ApiKeyAuth.header("X-API-Key"))
        .provider(new Accounts())
        .controller(new Routes())
        .build();
    return api.install(App.builder()).build();
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
    try (Server server = Server.start(app(), ServerConfig.builder().port(port).build())) {
      server.awaitClose();
    }
  }
}

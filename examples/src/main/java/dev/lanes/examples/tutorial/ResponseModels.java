package dev.lanes.examples.tutorial;

import dev.lanes.App;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.typed.Body;
import dev.lanes.typed.Delete;
import dev.lanes.typed.Get;
import dev.lanes.typed.Operation;
import dev.lanes.typed.Path;
import dev.lanes.typed.Post;
import dev.lanes.typed.TypedApi;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** Tutorial, response models: the return type is the response; status codes; Optional as 404. */
public final class ResponseModels {
  private ResponseModels() {}

  /** What a client sends: with a password. */
  record UserIn(String username, @Size(min = 8) String password, String email, Optional<String> fullName) {}

  /** What a client gets back: never the password. */
  record UserOut(String username, String email, Optional<String> fullName) {
    static UserOut of(UserIn in) {
      return new UserOut(in.username(), in.email(), in.fullName());
    }
  }

  static final class Users {
    private final Map<String, UserOut> users = new ConcurrentSkipListMap<>();

    @Post(value = "/users", status = 201)
    @Operation(summary = "Create a user", tags = "users", description = "The password is checked, then forgotten.")
    UserOut createUser(@Body UserIn user) {
      UserOut created = UserOut.of(user);
      users.put(created.username(), created);
      return created;
    }

    @Get("/users")
    @Operation(tags = "users")
    List<UserOut> listUsers() {
      return List.copyOf(users.values());
    }

    @Get("/users/{username}")
    @Operation(tags = "users")
    Optional<UserOut> readUser(@Path String username) {
      return Optional.ofNullable(users.get(username));
    }

    @Delete(value = "/users/{username}", status = 204)
    @Operation(tags = "users")
    void deleteUser(@Path String username) {
      users.remove(username);
    }
  }

  static App app() {
    TypedApi api = TypedApi.builder().title("Response models").controller(new Users()).build();
    return api.install(App.builder()).build();
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
    try (Server server = Server.start(app(), ServerConfig.builder().port(port).build())) {
      server.awaitClose();
    }
  }
}

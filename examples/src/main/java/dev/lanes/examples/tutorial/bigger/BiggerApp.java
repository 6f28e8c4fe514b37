package dev.lanes.examples.tutorial.bigger;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.typed.TypedApi;
import java.util.Map;

/** Tutorial, bigger applications: one file per concern, put together here. */
public final class BiggerApp {
  private BiggerApp() {}

  static App app() {
    TypedApi api = TypedApi.builder()
        .title("Bigger application")
        .provider(new Tokens())
        .require(Tokens.QueryToken.class) // every typed route
        .controller(new Users())
        .controller(new Items())
        .build();
    return api.install(App.builder())
        .get("/", req -> Response.json(Map.of("message", "Hello Bigger Applications!"))) // a plain Lanes route
        .build();
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
    try (Server server = Server.start(app(), ServerConfig.builder().port(port).build())) {
      server.awaitClose();
    }
  }
}

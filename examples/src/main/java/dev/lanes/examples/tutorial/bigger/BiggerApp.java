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
        .group("/items", items -> items // FastAPI's APIRouter(prefix=..., tags=..., dependencies=..., responses=...)
            .tags("items")
            .require(Tokens.HeaderToken.class)
            .response(404, void.class, "Not found")
            .controller(new Items()))
        .group("/admin", admin -> admin
            .tags("admin")
            .require(Tokens.HeaderToken.class)
            .response(418, void.class, "I'm a teapot")
            .controller(new Admin()))
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

package dev.lanes.examples.tutorial;

import dev.lanes.App;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.typed.Get;
import dev.lanes.typed.TypedApi;
import java.util.Map;

/** Tutorial, first steps: one typed route, with its OpenAPI document, /docs and /redoc. */
public final class FirstSteps {
  private FirstSteps() {}

  static final class Hello {
    @Get("/")
    Map<String, String> root() {
      return Map.of("message", "Hello World");
    }
  }

  static App app() {
    TypedApi api = TypedApi.builder().title("First steps").controller(new Hello()).build();
    return api.install(App.builder()).build();
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
    try (Server server = Server.start(app(), ServerConfig.builder().port(port).build())) {
      server.awaitClose();
    }
  }
}

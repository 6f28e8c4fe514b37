package dev.lanes.examples.tutorial;

import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.http.Response;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.typed.Get;
import dev.lanes.typed.Path;
import dev.lanes.typed.RequestValidationException;
import dev.lanes.typed.TypedApi;
import dev.lanes.typed.ValidationError;
import java.util.Map;
import java.util.stream.Collectors;

/** Tutorial, errors: HttpException, an app's own exception, and a different answer to validation errors. */
public final class Errors {
  private Errors() {}

  /** An error of this app's own, answered by its exception handler. */
  static final class UnicornException extends RuntimeException {
    final String name;

    UnicornException(String name) {
      super(name);
      this.name = name;
    }
  }

  static final class Routes {
    private static final Map<String, String> ITEMS = Map.of("foo", "The Foo Wrestlers");

    @Get("/items/{item_id}")
    Map<String, String> readItem(@Path String itemId) {
      String item = ITEMS.get(itemId);
      if (item == null) {
        throw new HttpException(404, "Item not found", Map.of("X-Error", "There goes my error"));
      }
      return Map.of("item", item);
    }

    @Get("/unicorns/{name}")
    Map<String, String> readUnicorn(@Path String name) {
      if (name.equals("yolo")) {
        throw new UnicornException(name);
      }
      return Map.of("unicorn_name", name);
    }

    @Get("/numbers/{n}")
    Map<String, Integer> readNumber(@Path int n) {
      return Map.of("n", n);
    }
  }

  static App app() {
    TypedApi api = TypedApi.builder().title("Errors").controller(new Routes()).build();
    return api.install(App.builder())
        .exceptionHandler(UnicornException.class, e -> Response.json(
            Map.of("message", "Oops! " + e.name + " did something. There goes a rainbow...")).withStatus(418))
        // Registered after install: replaces the typed layer's 422 with plain text.
        .exceptionHandler(RequestValidationException.class, e -> Response.text(e.errors().stream()
            .map(Errors::line).collect(Collectors.joining("\n"))).withStatus(400))
        .build();
  }

  private static String line(ValidationError error) {
    return error.loc() + ": " + error.msg();
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
    try (Server server = Server.start(app(), ServerConfig.builder().port(port).build())) {
      server.awaitClose();
    }
  }
}

package dev.lanes.examples.tutorial;

import dev.lanes.App;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import dev.lanes.typed.Body;
import dev.lanes.typed.Default;
import dev.lanes.typed.Get;
import dev.lanes.typed.Path;
import dev.lanes.typed.Post;
import dev.lanes.typed.Query;
import dev.lanes.typed.TypedApi;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Tutorial, validation: Jakarta constraints on parameters and record components, 422s in FastAPI's shape. */
public final class Validation {
  private Validation() {}

  record Item(@Size(min = 1, max = 50) String name, @Positive double price, @Size(max = 3) @Default("[]") List<String> tags) {}

  static final class Routes {
    @Get("/items")
    Map<String, Object> readItems(
        @Query @Size(min = 3, max = 50) @Pattern(regexp = "^fixedquery$") Optional<String> q,
        @Query @Default("[\"foo\", \"bar\"]") List<String> tag) {
      return Map.of("q", q, "tags", tag);
    }

    @Get("/items/{item_id}")
    Map<String, Object> readItem(@Path @Min(1) @Max(1000) int itemId, @Query @Positive @DecimalMax("10.5") double size) {
      return Map.of("item_id", itemId, "size", size);
    }

    @Post("/items")
    Item createItem(@Body Item item) {
      return item;
    }
  }

  static App app() {
    TypedApi api = TypedApi.builder().title("Validation").controller(new Routes()).build();
    return api.install(App.builder()).build();
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
    try (Server server = Server.start(app(), ServerConfig.builder().port(port).build())) {
      server.awaitClose();
    }
  }
}

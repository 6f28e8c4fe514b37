package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.HttpException;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who answers an {@link HttpException}: with the typed layer installed, FastAPI's
 * {@code {"detail": message}} for every route, unless the app registers its own handler for
 * {@code HttpException}, which then sees every route's, typed routes' and their dependencies'
 * included (FastAPI's {@code @app.exception_handler(StarletteHTTPException)}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TypedHttpExceptionHandlerTest {
  record Guard() {}

  static final class Deps {
    @Provides
    Guard guard(@Header Optional<String> xKey) {
      if (xKey.isEmpty()) {
        throw new HttpException(401, "no key");
      }
      return new Guard();
    }
  }

  static final class Routes {
    @Get("/thrown")
    String thrown() {
      throw new HttpException(404, "Item not found");
    }

    @Get("/guarded")
    String guarded(Guard g) {
      return "in";
    }
  }

  private static App.Builder installed() {
    TypedApi api = TypedApi.builder().provider(new Deps()).controller(new Routes()).build();
    return api.install(App.builder()).route("GET", "/plain", (BlockingHandler) req -> {
      throw new HttpException(404, "Item not found");
    });
  }

  /** An app handler registered after {@code install} answers the typed routes' exceptions, as the plain routes'. */
  @Test
  void anAppExceptionHandlerForHttpExceptionSeesTypedRoutesExceptions() {
    App app = installed()
        .exceptionHandler(HttpException.class, e -> Response.text(e.status(), "custom: " + e.getMessage()))
        .build();
    try (TestClient client = TestClient.start(app)) {
      assertThat(client.get("/plain").text()).isEqualTo("custom: Item not found");
      TestResponse thrown = client.get("/thrown");
      assertThat(thrown.status()).isEqualTo(404);
      assertThat(thrown.text()).as("handler's HttpException").isEqualTo("custom: Item not found");
      TestResponse dep = client.get("/guarded");
      assertThat(dep.status()).isEqualTo(401);
      assertThat(dep.text()).as("dependency's HttpException").isEqualTo("custom: no key");
    }
  }

  /** Without an app handler every route of an app with the typed layer answers {@code {"detail": message}}. */
  @Test
  void withoutAnAppHandlerEveryRouteAnswersDetail() {
    try (TestClient client = TestClient.start(installed().build())) {
      for (String path : new String[] {"/plain", "/thrown"}) {
        TestResponse r = client.get(path);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("detail").asText()).as(path).isEqualTo("Item not found");
      }
      TestResponse dep = client.get("/guarded");
      assertThat(dep.status()).isEqualTo(401);
      assertThat(dep.json().path("detail").asText()).isEqualTo("no key");
    }
  }
}

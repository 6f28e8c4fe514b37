package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.http.Response;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The smallest answers, all async on the event loop: hello-world for throughput benchmarks
 * ({@code benchmarks/wrk.sh}) and a root page for the reliability corpora.
 *
 * <ul>
 *   <li>{@code GET /plaintext}: {@code Hello, World!} as {@code text/plain}</li>
 *   <li>{@code GET /json}: {@code {"message":"Hello, World!"}}</li>
 *   <li>{@code GET /}: {@code Lanes demo}; {@code POST /} and {@code PUT /}: {@code received N bytes}</li>
 * </ul>
 */
final class HelloRoutes {
  private HelloRoutes() {}

  /** Adds the routes. */
  static App.Builder addTo(App.Builder app) {
    return app
        .getAsync("/plaintext", req -> CompletableFuture.completedFuture(Response.text("Hello, World!")))
        .getAsync("/json", req -> CompletableFuture.completedFuture(
            Response.json(Map.of("message", "Hello, World!"))))
        // The page the reliability corpora aim at: answers any common method, counting the body.
        .getAsync("/", req -> CompletableFuture.completedFuture(Response.text("Lanes demo")))
        .postAsync("/", req -> CompletableFuture.completedFuture(
            Response.text("received " + req.body().length + " bytes")))
        .putAsync("/", req -> CompletableFuture.completedFuture(
            Response.text("received " + req.body().length + " bytes")));
  }
}

package dev.lanes.observe;

import dev.lanes.concurrency.Lanes;
import dev.lanes.http.JsonCodec;
import dev.lanes.http.Response;
import dev.lanes.routing.AsyncHandler;
import dev.lanes.streaming.EventSourceResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A live view of an app's lanes: one HTML page (plain JavaScript, no build step, no external
 * resources) fed by server-sent events, showing each lane fill and drain as it happens.
 *
 * <pre>{@code LanesDashboard.mount(builder::getAsync, "/_lanes");   // page at /_lanes, feed at /_lanes/events }</pre>
 *
 * <p>Routes it adds under {@code prefix}: the page, {@code /events} (a {@code text/event-stream}
 * of {@link DashboardFeed} snapshots every 250 ms, produced on the {@code streaming} lane and
 * stopped when the client leaves) and {@code /snapshot} (one snapshot as JSON). Each route reads
 * the lanes of the app serving it from the request, so the dashboard needs nothing from the app
 * but a way to add routes; other modules add tables below the lanes as {@link DashboardSection}s. It exposes internals: mount it only where the audience may see them.
 */
public final class LanesDashboard {
  /** How often the feed sends a snapshot. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);
  private static final String PAGE = "/dev/lanes/observe/dashboard.html";

  private LanesDashboard() {}

  /**
   * Adds the dashboard's routes under {@code prefix} (e.g. {@code /_lanes}) through
   * {@code getAsync}, which registers one async GET route; {@code App.Builder::getAsync} is one.
   */
  public static void mount(BiConsumer<String, AsyncHandler> getAsync, String prefix) {
    mount(getAsync, prefix, DEFAULT_INTERVAL, List.of());
  }

  /**
   * As {@link #mount(BiConsumer, String)}, with {@code sections} (such as the task counts of
   * {@code lanes-tasks}) shown below the lanes.
   *
   * <pre>{@code LanesDashboard.mount(app::getAsync, "/_lanes", List.of(tasks.dashboardSection()));}</pre>
   */
  public static void mount(BiConsumer<String, AsyncHandler> getAsync, String prefix, List<DashboardSection> sections) {
    mount(getAsync, prefix, DEFAULT_INTERVAL, sections);
  }

  /** As {@link #mount(BiConsumer, String)} with another snapshot interval. */
  public static void mount(BiConsumer<String, AsyncHandler> getAsync, String prefix, Duration interval) {
    mount(getAsync, prefix, interval, List.of());
  }

  /** As {@link #mount(BiConsumer, String, List)} with another snapshot interval. */
  public static void mount(BiConsumer<String, AsyncHandler> getAsync, String prefix, Duration interval,
      List<DashboardSection> sections) {
    java.util.Objects.requireNonNull(getAsync, "getAsync");
    List<DashboardSection> shown = List.copyOf(sections);
    if (!prefix.startsWith("/") || prefix.endsWith("/")) {
      throw new IllegalArgumentException("prefix must start with / and not end with one: " + prefix);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive");
    }
    Response page = Response.bytes(readPage(), "text/html; charset=utf-8")
        .withHeader("Cache-Control", "no-cache");
    getAsync.accept(prefix, req -> CompletableFuture.completedFuture(page));
    getAsync.accept(prefix + "/snapshot", req -> shown.isEmpty()
        ? CompletableFuture.completedFuture(snapshot(req.lanes(), shown))
        // sections may query a store: off the event loop, in the lane the feed uses too
        : req.lanes().get(Lanes.STREAMING).run(() -> snapshot(req.lanes(), shown)));
    getAsync.accept(prefix + "/events", req -> CompletableFuture.completedFuture(
        EventSourceResponse.of(new DashboardFeed(req.lanes(), shown, interval))));
  }

  /**
   * One snapshot as JSON in the dashboard's own format, as the feed writes it: the defaults, not
   * the app's codec, which may leave out what the format has (an empty section's {@code rows}).
   */
  private static Response snapshot(Lanes lanes, List<DashboardSection> sections) {
    return Response.bytes(JsonCodec.defaults().write(DashboardFeed.snapshot(lanes, sections, null)), "application/json");
  }

  private static byte[] readPage() {
    try (InputStream in = LanesDashboard.class.getResourceAsStream(PAGE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + PAGE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

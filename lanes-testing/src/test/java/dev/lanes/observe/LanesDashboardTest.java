package dev.lanes.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.App;
import dev.lanes.concurrency.Lanes;
import dev.lanes.http.JsonCodec;
import dev.lanes.testing.Await;
import dev.lanes.testing.RawClient;
import dev.lanes.testing.TestClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LanesDashboardTest {

  @Test
  void mountAddsItsThreeRoutesUnderThePrefixAndRejectsABadPrefix() {
    List<String> paths = new ArrayList<>();
    LanesDashboard.mount((path, handler) -> paths.add(path), "/ops/lanes");
    assertThat(paths).containsExactly("/ops/lanes", "/ops/lanes/snapshot", "/ops/lanes/events");
    assertThatThrownBy(() -> LanesDashboard.mount((path, handler) -> { }, "/ops/"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/ops/");
  }

  @Test
  void thePageIsSelfContainedAndListensToTheFeed() {
    App.Builder builder = App.builder();
    LanesDashboard.mount(builder::getAsync, "/_lanes");
    App app = builder.build();
    try (TestClient client = TestClient.start(app)) {
      var page = client.get("/_lanes");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.header("Content-Type")).contains("text/html; charset=utf-8");
      assertThat(page.text()).contains("new EventSource(", "/events");
      assertThat(page.text()).contains("l.sizing === \"adaptive\"", "s.capacity"); // the limit's history is drawn
      assertThat(page.text()).doesNotContain("http://", "https://"); // no external network
    }
  }

  @Test
  void theFeedSendsSnapshotsAndStopsWhenTheClientLeaves() throws Exception {
    App.Builder builder = App.builder();
    LanesDashboard.mount(builder::getAsync, "/_lanes");
    App app = builder.build();
    try (TestClient client = TestClient.start(app)) {
      RawClient raw = RawClient.connect(client.port());
      try {
        readTwoSnapshots(raw, app);
      } finally {
        raw.close(); // the client leaves: the producer must stop and give its token back
      }
      Await.until(() -> app.lanes().get(Lanes.STREAMING).statistics().borrowed() == 0,
          "the feed's streaming token is returned");
    }
  }

  @Test
  void sectionsOfOtherModulesFollowTheLanesAndOneThatThrowsShowsItsError() {
    DashboardSection counts = section("jobs", () -> List.of(java.util.Map.of("type", "resize", "queued", 3)));
    DashboardSection broken = section("broken", () -> {
      throw new IllegalStateException("store down");
    });
    App.Builder builder = App.builder();
    LanesDashboard.mount(builder::getAsync, "/_lanes", List.of(counts, broken));
    try (TestClient client = TestClient.start(builder.build())) {
      var snap = client.get("/_lanes/snapshot").json();
      assertThat(snap.get("lanes")).isNotEmpty();
      var sections = snap.get("sections");
      assertThat(sections.get(0).get("title").asText()).isEqualTo("jobs");
      assertThat(sections.get(0).get("columns")).extracting(c -> c.asText()).containsExactly("type", "queued");
      assertThat(sections.get(0).get("rows").get(0).get("queued").asInt()).isEqualTo(3);
      assertThat(sections.get(1).get("rows")).isEmpty();
      assertThat(sections.get(1).get("error").asText()).isEqualTo("store down");
      assertThat(client.get("/_lanes").text()).contains("showSections(snap.sections)");
    }
  }

  @Test
  void withoutSectionsTheSnapshotHasNone() {
    App.Builder builder = App.builder();
    LanesDashboard.mount(builder::getAsync, "/_lanes");
    try (TestClient client = TestClient.start(builder.build())) {
      assertThat(client.get("/_lanes/snapshot").json().has("sections")).isFalse();
    }
  }

  /**
   * The snapshot is the dashboard's own format, as the feed's events are, whatever JSON codec the
   * app serves its own responses with: an app whose codec leaves empty values out dropped a
   * section's {@code rows: []} from {@code /_lanes/snapshot}.
   */
  @Test
  void theSnapshotKeepsItsFormatWhateverTheAppsJsonCodec() {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper()
        .setDefaultPropertyInclusion(com.fasterxml.jackson.annotation.JsonInclude.Value.construct(
            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY,
            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY));
    DashboardSection empty = section("jobs", List::of);
    for (List<DashboardSection> sections : List.of(List.<DashboardSection>of(), List.of(empty))) {
      App.Builder builder = App.builder().json(JsonCodec.of(mapper));
      LanesDashboard.mount(builder::getAsync, "/_lanes", sections);
      try (TestClient client = TestClient.start(builder.build())) {
        var snapshot = client.get("/_lanes/snapshot");
        assertThat(snapshot.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        var files = snapshot.json().get("lanes").get(4);
        assertThat(files.get("name").asText()).isEqualTo("files");
        assertThat(files.has("waiting") && files.has("borrowed") && files.has("failed")).as(files.toString()).isTrue();
        if (!sections.isEmpty()) {
          assertThat(snapshot.json().get("sections").get(0).has("rows")).isTrue();
        }
      }
    }
  }

  private static DashboardSection section(String title, java.util.function.Supplier<List<java.util.Map<String, Object>>> rows) {
    return new DashboardSection() {
      @Override
      public String title() {
        return title;
      }

      @Override
      public List<String> columns() {
        return List.of("type", "queued");
      }

      @Override
      public List<java.util.Map<String, Object>> rows() {
        return rows.get();
      }
    };
  }

  private static void readTwoSnapshots(RawClient raw, App app) throws Exception {
    {
      raw.send("GET /_lanes/events HTTP/1.1\r\nHost: x\r\n\r\n");
      String head = raw.readUntil("\r\n\r\n");
      assertThat(head).startsWith("HTTP/1.1 200").contains("text/event-stream");
      String first = raw.readUntil("\n\n");
      String second = raw.readUntil("\n\n"); // a second snapshot: the feed is periodic
      assertThat(first).contains("event: snapshot");
      assertThat(second).contains("event: snapshot");
      String data = second.lines().filter(l -> l.contains("data: ")).findFirst().orElseThrow();
      var snap = JsonCodec.defaults().readTree(data.substring(data.indexOf("data: ") + 6).getBytes(StandardCharsets.UTF_8));
      assertThat(snap.get("lanes")).extracting(l -> l.get("name").asText())
          .containsExactly("endpoints", "blocking", "background", "streaming", "files", "websockets");
      // the current limit with how it may move: the page draws an adaptive lane's limit over time
      var endpoints = snap.get("lanes").get(0);
      assertThat(endpoints.get("sizing").asText()).isEqualTo("adaptive");
      assertThat(endpoints.get("capacity").asInt()).isEqualTo(app.lanes().get(Lanes.ENDPOINTS).statistics().capacity());
      assertThat(endpoints.get("minCapacity").asInt()).isEqualTo(1);
      assertThat(endpoints.get("maxCapacity").asInt()).isEqualTo(Lanes.HANDLER_LANE_MAX);
      var files = snap.get("lanes").get(4);
      assertThat(files.get("sizing").asText()).isEqualTo("fixed");
      assertThat(files.get("minCapacity").asInt()).isEqualTo(64);
      assertThat(app.lanes().get(Lanes.STREAMING).statistics().borrowed()).isEqualTo(1);
    }
  }
}

package dev.lanes.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.observe.LanesListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The group calls every listener that implements an event, in order, whoever else throws or keeps the default. */
class ListenerGroupTest {
  private final List<String> seen = new ArrayList<>();

  /** Implements the two per-request events the group calls only on those that implement them. */
  class Recording implements LanesListener {
    private final String name;

    Recording(String name) {
      this.name = name;
    }

    @Override
    public void requestStart(String method, String path) {
      seen.add(name + " start " + method + " " + path);
    }

    @Override
    public void responseBodyEnd(String route, String method, boolean completed, Duration duration) {
      seen.add(name + " body " + route + " " + completed);
    }
  }

  /** Inherits both events from {@link Recording}. */
  class Inheriting extends Recording {
    Inheriting(String name) {
      super(name);
    }
  }

  /** Keeps both defaults; records another event so it is not idle. */
  class Defaults implements LanesListener {
    @Override
    public void requestEnd(String route, String method, int status, Duration duration) {
      seen.add("defaults end " + status);
    }
  }

  @Test
  void eachEventReachesTheListenersThatImplementItInOrder() {
    LanesListener throwing = new LanesListener() {
      @Override
      public void requestStart(String method, String path) {
        seen.add("throwing start");
        throw new IllegalStateException("listener fault");
      }
    };
    ListenerGroup group = new ListenerGroup(
        List.of(new Recording("a"), new Defaults(), throwing, new Inheriting("b"), (LanesListener) new LanesListener() {}));

    group.requestStart("GET", "/x");
    group.requestEnd("GET /x", "GET", 200, Duration.ZERO);
    group.responseBodyEnd("GET /x", "GET", true, Duration.ZERO);

    assertThat(seen).containsExactly("a start GET /x", "throwing start", "b start GET /x", "defaults end 200",
        "a body GET /x true", "b body GET /x true");
  }

  @Test
  void aGroupOfListenersThatKeepTheDefaultsCallsNone() {
    ListenerGroup group = new ListenerGroup(List.of(new Defaults()));

    group.requestStart("GET", "/x");
    group.responseBodyEnd("GET /x", "GET", true, Duration.ZERO);
    group.requestEnd("GET /x", "GET", 404, Duration.ZERO);

    assertThat(seen).containsExactly("defaults end 404");
  }
}

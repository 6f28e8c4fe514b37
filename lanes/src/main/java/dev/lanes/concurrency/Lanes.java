package dev.lanes.concurrency;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The lanes an application owns, by name. Every kind of work has its own lane by default, so a
 * flood of one kind (say, background tasks) never takes the tokens of another (endpoints).
 *
 * <pre>{@code
 * Lanes lanes = Lanes.defaults().with(Lane.builder("db").capacity(20)).build();
 * lanes.get("db").run(() -> query());
 * }</pre>
 */
public final class Lanes implements AutoCloseable {
  /** Blocking endpoints that name no lane. */
  public static final String ENDPOINTS = "endpoints";
  /** Run-blocking calls made from async code that name no lane. */
  public static final String BLOCKING = "blocking";
  /** Background tasks. */
  public static final String BACKGROUND = "background";
  /** Blocking producers of streaming responses. */
  public static final String STREAMING = "streaming";
  /** File responses and upload spooling. */
  public static final String FILES = "files";
  /** Blocking WebSocket sessions: one token per open session. */
  public static final String WEBSOCKETS = "websockets";

  private final Map<String, Lane> byName;

  private Lanes(Map<String, Lane> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /**
   * The largest limit of the default handler lanes ({@code endpoints}, {@code blocking}): as many
   * blocking requests as the server's default {@code maxConnections} holds connections, so
   * I/O-bound handlers (10 000 concurrent sleeps) never queue, while computing ones are sized to
   * the cores by the adaptive limit.
   */
  public static final int HANDLER_LANE_MAX = 16_384;

  /**
   * The default lane definitions (virtual threads; see docs/adr/0002 and 0011): endpoints and
   * blocking adaptive up to {@value #HANDLER_LANE_MAX}, queueing at most as many more; background
   * adaptive up to 256 (adaptive lanes start at their maximum and shrink only while their tasks
   * compute and wait for a CPU), streaming fixed at 256, files at 64, these three queueing at most
   * 4x their capacity. Every lane waits at most 30 s for a token. Then websockets 1024, which
   * queues nothing: a session holds its token for as long as it is open, so an upgrade that finds
   * the lane full is refused at once (503) rather than left waiting.
   */
  public static Builder defaults() {
    Builder b = new Builder();
    b.with(Lane.builder(ENDPOINTS).adaptive(1, HANDLER_LANE_MAX).maxWaiting(HANDLER_LANE_MAX));
    b.with(Lane.builder(BLOCKING).adaptive(1, HANDLER_LANE_MAX).maxWaiting(HANDLER_LANE_MAX));
    b.with(Lane.builder(BACKGROUND).adaptive(1, 256));
    b.with(Lane.builder(STREAMING).capacity(256));
    b.with(Lane.builder(FILES).capacity(64));
    b.with(Lane.builder(WEBSOCKETS).capacity(1024).maxWaiting(0));
    return b;
  }

  /** The lane called {@code name}. */
  public Lane get(String name) {
    Lane lane = byName.get(name);
    if (lane == null) {
      throw new NoSuchElementException("no lane named '" + name + "'; lanes: " + byName.keySet());
    }
    return lane;
  }

  public Optional<Lane> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public Collection<Lane> all() {
    return byName.values();
  }

  /** Statistics of every lane, in definition order. */
  public List<LaneStatistics> statistics() {
    return byName.values().stream().map(Lane::statistics).toList();
  }

  @Override
  public void close() {
    byName.values().forEach(Lane::close);
  }

  /** Collects lane definitions; a later definition with the same name replaces an earlier one. */
  public static final class Builder {
    private final Map<String, Lane.Builder> defs = new LinkedHashMap<>();
    private LaneListener listener = LaneListener.NONE;

    private Builder() {}

    /**
     * Reports every lane's waits and tasks to {@code listener} (set by the app when built);
     * {@link LaneListener#NONE} turns events off.
     */
    public Builder listener(LaneListener listener) {
      this.listener = java.util.Objects.requireNonNull(listener, "listener");
      return this;
    }

    public Builder with(Lane.Builder lane) {
      defs.put(lane.name(), lane);
      return this;
    }

    public Lanes build() {
      Map<String, Lane> lanes = new LinkedHashMap<>();
      defs.forEach((name, def) -> lanes.put(name,
          (listener == LaneListener.NONE ? def : def.listener(listener)).build()));
      return new Lanes(lanes);
    }
  }
}

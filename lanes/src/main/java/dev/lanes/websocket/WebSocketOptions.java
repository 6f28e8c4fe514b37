package dev.lanes.websocket;

import dev.lanes.concurrency.Lanes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one WebSocket route runs: the lane of a blocking handler, size limits, liveness and
 * backpressure. Every bound has a default, so a route without options is bounded too.
 *
 * <pre>{@code
 * app.websocket("/ws/chat", WebSocketOptions.defaults().lane("chat").maxMessageSize(64 * 1024), handler);
 * }</pre>
 *
 * @param lane the lane a blocking handler's sessions run in (default {@code websockets}); one
 *     token per open session
 * @param maxFrameSize largest frame payload accepted (default 1 MiB); larger: close 1009
 * @param maxMessageSize largest message, fragments joined and decompressed (default 1 MiB);
 *     larger: close 1009
 * @param pingInterval quiet time after which the server pings the peer (default 30 s)
 * @param pingTimeout how long a ping may go unanswered before the peer counts as dead and the
 *     connection is closed (default 15 s)
 * @param sendTimeout how long a blocking send waits for the socket to become writable before the
 *     connection is closed (default 30 s)
 * @param maxQueuedBytes unwritten outbound bytes past which the connection is closed because the
 *     peer does not read (default 1 MiB)
 * @param compression whether permessage-deflate is offered when the client asks (default on)
 * @param subprotocols the subprotocols the route speaks (RFC 6455 1.9; default none): the 101
 *     answers the first one the client's {@code Sec-WebSocket-Protocol} offers, in the client's
 *     order of preference, and the session's {@link WebSocketPeer#subprotocol} tells which; if
 *     the client offers none of them the 101 names none
 * @param subprotocolChoice the route's own pick among the client's offers, in place of the list
 *     ({@link #subprotocols(SubprotocolChoice)}); {@code null} (the default): the list decides
 * @param name the route's name, unique in its app among HTTP and WebSocket routes (empty: none;
 *     see {@link #name(String)})
 */
public record WebSocketOptions(String lane, int maxFrameSize, int maxMessageSize, Duration pingInterval,
    Duration pingTimeout, Duration sendTimeout, int maxQueuedBytes, boolean compression, List<String> subprotocols,
    SubprotocolChoice subprotocolChoice, Optional<String> name) {
  private static final int MIB = 1024 * 1024;
  private static final WebSocketOptions DEFAULTS = new WebSocketOptions(Lanes.WEBSOCKETS, MIB, MIB,
      Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(30), MIB, true, List.of(), null, Optional.empty());

  public WebSocketOptions {
    Objects.requireNonNull(lane, "lane");
    Objects.requireNonNull(name, "name");
    name.ifPresent(n -> {
      if (n.isBlank()) {
        throw new IllegalArgumentException("a route name must not be blank");
      }
    });
    subprotocols = List.copyOf(subprotocols);
    for (String offered : subprotocols) {
      if (!isToken(offered)) {
        throw new IllegalArgumentException("a subprotocol must be an HTTP token (RFC 6455 4.1): '" + offered + "'");
      }
    }
    if (subprotocolChoice != null && !subprotocols.isEmpty()) {
      throw new IllegalArgumentException("subprotocols: a list or a choice, not both");
    }
    positive("maxFrameSize", maxFrameSize);
    positive("maxMessageSize", maxMessageSize);
    positive("maxQueuedBytes", maxQueuedBytes);
    positive("pingInterval", pingInterval);
    positive("pingTimeout", pingTimeout);
    positive("sendTimeout", sendTimeout);
    if (maxFrameSize > maxMessageSize) {
      throw new IllegalArgumentException("maxFrameSize (" + maxFrameSize + ") must not exceed maxMessageSize ("
          + maxMessageSize + ")");
    }
  }

  /** The options without a name, as before routes could be named. */
  public WebSocketOptions(String lane, int maxFrameSize, int maxMessageSize, Duration pingInterval,
      Duration pingTimeout, Duration sendTimeout, int maxQueuedBytes, boolean compression, List<String> subprotocols,
      SubprotocolChoice subprotocolChoice) {
    this(lane, maxFrameSize, maxMessageSize, pingInterval, pingTimeout, sendTimeout, maxQueuedBytes, compression,
        subprotocols, subprotocolChoice, Optional.empty());
  }

  /** Lane {@code websockets}, 1 MiB frames and messages, ping after 30 s quiet, 15 s to answer. */
  public static WebSocketOptions defaults() {
    return DEFAULTS;
  }

  public WebSocketOptions lane(String laneName) {
    return new WebSocketOptions(laneName, maxFrameSize, maxMessageSize, pingInterval, pingTimeout, sendTimeout,
        maxQueuedBytes, compression, subprotocols, subprotocolChoice, name);
  }

  /** Sets both the frame and the message limit to {@code bytes}. */
  public WebSocketOptions maxMessageSize(int bytes) {
    return new WebSocketOptions(lane, Math.min(maxFrameSize, bytes), bytes, pingInterval, pingTimeout,
        sendTimeout, maxQueuedBytes, compression, subprotocols, subprotocolChoice, name);
  }

  /** Frames up to {@code bytes}; must not exceed the message limit. */
  public WebSocketOptions maxFrameSize(int bytes) {
    return new WebSocketOptions(lane, bytes, maxMessageSize, pingInterval, pingTimeout, sendTimeout,
        maxQueuedBytes, compression, subprotocols, subprotocolChoice, name);
  }

  public WebSocketOptions ping(Duration interval, Duration timeout) {
    return new WebSocketOptions(lane, maxFrameSize, maxMessageSize, interval, timeout, sendTimeout,
        maxQueuedBytes, compression, subprotocols, subprotocolChoice, name);
  }

  public WebSocketOptions sendTimeout(Duration timeout) {
    return new WebSocketOptions(lane, maxFrameSize, maxMessageSize, pingInterval, pingTimeout, timeout,
        maxQueuedBytes, compression, subprotocols, subprotocolChoice, name);
  }

  public WebSocketOptions maxQueuedBytes(int bytes) {
    return new WebSocketOptions(lane, maxFrameSize, maxMessageSize, pingInterval, pingTimeout, sendTimeout,
        bytes, compression, subprotocols, subprotocolChoice, name);
  }

  public WebSocketOptions compression(boolean on) {
    return new WebSocketOptions(lane, maxFrameSize, maxMessageSize, pingInterval, pingTimeout, sendTimeout,
        maxQueuedBytes, on, subprotocols, subprotocolChoice, name);
  }

  /**
   * The subprotocols the route speaks, any order; the client's preference picks among them.
   * Replaces a {@link SubprotocolChoice}.
   *
   * <pre>{@code WebSocketOptions.defaults().subprotocols("graphql-transport-ws")}</pre>
   */
  public WebSocketOptions subprotocols(String... names) {
    return new WebSocketOptions(lane, maxFrameSize, maxMessageSize, pingInterval, pingTimeout, sendTimeout,
        maxQueuedBytes, compression, List.of(names), null, name);
  }

  /**
   * The route picks each upgrade's subprotocol itself, from the client's offers; replaces a list.
   *
   * <pre>{@code WebSocketOptions.defaults().subprotocols((req, offered) -> offered.stream().findFirst())}</pre>
   */
  public WebSocketOptions subprotocols(SubprotocolChoice choice) {
    return new WebSocketOptions(lane, maxFrameSize, maxMessageSize, pingInterval, pingTimeout, sendTimeout,
        maxQueuedBytes, compression, List.of(), Objects.requireNonNull(choice, "choice"), name);
  }

  /**
   * These options with the route named {@code routeName} (Starlette's {@code WebSocketRoute(name=...)}),
   * in the app's one table of names with its HTTP routes': {@code Request.urlFor} builds its
   * {@code ws://} URL ({@code wss://} on an {@code https} request), {@code App.urlPathFor} its path.
   *
   * <pre>{@code .websocket("/ws/{room}", WebSocketOptions.defaults().name("chat"), h)
   * // in a handler: req.urlFor("chat", Map.of("room", "lobby")) -> "ws://host/ws/lobby"}</pre>
   */
  public WebSocketOptions name(String routeName) {
    return new WebSocketOptions(lane, maxFrameSize, maxMessageSize, pingInterval, pingTimeout, sendTimeout,
        maxQueuedBytes, compression, subprotocols, subprotocolChoice, Optional.of(routeName));
  }

  /** RFC 9110 5.6.2: one or more tchars. */
  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean tchar = c < 127 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  private static void positive(String what, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(what + " must be positive: " + value);
    }
  }

  private static void positive(String what, Duration value) {
    Objects.requireNonNull(value, what);
    if (!value.isPositive()) {
      throw new IllegalArgumentException(what + " must be positive: " + value);
    }
  }
}

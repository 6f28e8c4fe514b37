package dev.lanes.websocket;

import dev.lanes.http.Request;
import java.util.List;
import java.util.Optional;

/**
 * The route's own pick of one upgrade's subprotocol among the client's offers (RFC 6455 4.2.2:
 * the server selects one of them, or none), in place of a fixed list: by the server's preference
 * rather than the client's, or by the request (its path, query, or what middleware learnt of the
 * user). It runs before the 101, as Starlette's {@code websocket.accept(subprotocol=...)} does,
 * and before a blocking route takes its lane token; the session's {@link WebSocketPeer#subprotocol}
 * then tells the pick. It runs where the route's (async) endpoint runs, normally the
 * connection's event loop, so it must not block. It must answer one of {@code offered} or empty (the 101 names none); one
 * the client did not offer fails the upgrade with 500, and an {@code HttpException} thrown here
 * refuses it with its status.
 *
 * <pre>{@code
 * WebSocketOptions.defaults().subprotocols((req, offered) ->
 *     offered.contains("graphql-transport-ws") ? Optional.of("graphql-transport-ws")
 *         : offered.stream().filter("graphql-ws"::equals).findFirst())
 * }</pre>
 */
@FunctionalInterface
public interface SubprotocolChoice {
  /**
   * @param upgrade the upgrade request
   * @param offered the client's {@code Sec-WebSocket-Protocol} offers in its order of preference,
   *     all its header lines joined (empty if it offered none)
   */
  Optional<String> choose(Request upgrade, List<String> offered);
}

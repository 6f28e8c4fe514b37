package dev.lanes.internal.websocket;

import dev.lanes.http.RequestScope;
import dev.lanes.websocket.CloseCodes;
import dev.lanes.websocket.WebSocketClosedException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A request that asked to become a WebSocket, from its head until its exchange ends. The
 * connection offers it under the request's scope; a WebSocket route's endpoint accepts it with a
 * session (after taking its lane token) and answers 101; the connection then switches protocols
 * when it writes that 101. Keyed by the scope because that is what travels with the request
 * through any middleware. If the exchange ends without the switch (middleware answered 401, the
 * client left), the accepted session learns it never opened, so its lane token comes back.
 */
public final class PendingUpgrade {
  private static final ConcurrentHashMap<RequestScope, PendingUpgrade> OFFERED = new ConcurrentHashMap<>();

  private volatile Session accepted;
  private volatile boolean switched;

  private PendingUpgrade() {}

  /** Offers an upgrade for the request of {@code scope}; withdrawn when the scope closes. */
  public static PendingUpgrade offer(RequestScope scope) {
    PendingUpgrade up = new PendingUpgrade();
    OFFERED.put(scope, up);
    scope.onClose(() -> {
      OFFERED.remove(scope);
      up.exchangeEnded();
    });
    return up;
  }

  /** The upgrade offered for the request of {@code scope}, if its connection can switch. */
  static Optional<PendingUpgrade> of(RequestScope scope) {
    return Optional.ofNullable(OFFERED.get(scope));
  }

  /** Claims the upgrade for {@code session}; false if another session already did. */
  synchronized boolean accept(Session session) {
    if (accepted != null) {
      return false;
    }
    accepted = session;
    return true;
  }

  /** The session a route accepted the upgrade with, if any. */
  public Optional<Session> accepted() {
    return Optional.ofNullable(accepted);
  }

  /** The 101 is being written: from now on the switch tells the session whether it opened. */
  public void switching() {
    switched = true;
  }

  private void exchangeEnded() {
    Session s = accepted;
    if (s != null && !switched) {
      s.notOpened(new WebSocketClosedException(CloseCodes.ABNORMAL, "the upgrade was not answered with 101"));
    }
  }
}

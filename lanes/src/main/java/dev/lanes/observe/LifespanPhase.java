package dev.lanes.observe;

/** The phases of a server's life, reported to {@link LanesListener#lifespan}, in this order. */
public enum LifespanPhase {
  /** The server is starting: the app's startup hooks run next, then the port is bound. */
  STARTING,
  /** Listening; requests are served. */
  STARTED,
  /** No longer accepting; in-flight requests are draining. */
  STOPPING,
  /** Connections and event loops are closed and the app's shutdown hooks have run. */
  STOPPED
}

package dev.lanes.server;

import dev.lanes.App;
import dev.lanes.observe.LanesListener;
import dev.lanes.observe.LifespanPhase;

/**
 * A child JVM for {@link SignalStopThreadTest}: starts a server that stops on a signal, raises
 * SIGINT at itself and, once the server has stopped, prints whether the {@code lanes-signal-stop}
 * thread that waits for the closes is a daemon.
 */
public final class SignalStopThreadMain {
  private SignalStopThreadMain() {}

  public static void main(String[] args) throws Exception {
    App app = App.builder()
        .listener(new LanesListener() {
          @Override
          public void lifespan(LifespanPhase phase) {
            if (phase == LifespanPhase.STOPPED) {
              // The close runs on a lanes-signal-stop thread of its own; the other one waits for it.
              Thread.getAllStackTraces().keySet().stream()
                  .filter(t -> t != Thread.currentThread() && t.getName().equals("lanes-signal-stop"))
                  .forEach(t -> System.out.println("WAITER daemon=" + t.isDaemon()));
            }
          }
        })
        .build();
    Server server = Server.start(app, ServerConfig.builder().host("127.0.0.1").port(0).stopOnSignal(true).build());
    Class<?> signal = Class.forName("sun.misc.Signal");
    signal.getMethod("raise", signal).invoke(null, signal.getConstructor(String.class).newInstance("INT"));
    server.awaitClose();
  }
}

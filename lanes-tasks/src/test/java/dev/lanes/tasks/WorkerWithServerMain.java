package dev.lanes.tasks;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.server.Server;
import dev.lanes.server.ServerConfig;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A child JVM for {@link TaskProcessTest}: a task worker and a server (stopping on a signal, the
 * default) on one app, each with work in flight: a 1.5 s task (a second one queued behind it, the
 * worker's lane has one slot) and a 1.5 s request. Prints
 * {@code PORT}, {@code STARTED <id>}, {@code SUCCEEDED <id>}, {@code IN_SLOW}, and
 * {@code MAIN_RETURNED} once both have closed and main ends by itself.
 */
public final class WorkerWithServerMain {
  private WorkerWithServerMain() {}

  public static void main(String[] args) throws Exception {
    // The task in flight ends 1.5 s after the request in flight began, not after its own start: on
    // a loaded machine the test's client took longer than that to send the request and the signal,
    // and the queued task then started, rightly, before the signal.
    CountDownLatch inSlow = new CountDownLatch(1);
    TaskType<TaskProcess.Nap> nap = TaskType.of("nap", TaskProcess.Nap.class, n -> {
      inSlow.await();
      Thread.sleep(1500);
      return "napped";
    });
    Tasks tasks = Tasks.builder().database("jdbc:h2:mem:worker-with-server").type(nap)
        .shutdownGrace(Duration.ofSeconds(20)).listener(new TaskListener() {
          @Override
          public void started(String name, String id, int attempt, Duration late, boolean redelivered) {
            System.out.println("STARTED " + id);
          }

          @Override
          public void succeeded(String name, String id, Duration took) {
            System.out.println("SUCCEEDED " + id);
          }
        }).build();
    App app = App.builder().lane(Tasks.lane(1))
        .get("/slow", req -> {
          System.out.println("IN_SLOW");
          inSlow.countDown();
          Thread.sleep(1500);
          return Response.text("done");
        })
        .build();
    TaskWorker worker = TaskWorker.start(app, tasks).stopOnSignal();
    try (Server server = Server.start(app, ServerConfig.builder().host("127.0.0.1").port(0).build())) {
      System.out.println("PORT " + server.port());
      tasks.enqueue(nap, new TaskProcess.Nap(1500));
      tasks.enqueue(nap, new TaskProcess.Nap(1500)); // waits for the lane's one slot
      worker.awaitClose();
      server.awaitClose();
    }
    app.close();
    System.out.println("MAIN_RETURNED");
  }
}

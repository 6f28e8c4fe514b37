package dev.lanes.tasks;

import dev.lanes.App;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A worker process whose startup hook prints {@code HOOK} and waits for a line on stdin, so a
 * test can signal it while the hook runs; its shutdown hook prints {@code SHUTDOWN}, and main
 * prints {@code CLOSED} once {@code awaitClose} returned.
 *
 * <p>Argument: the database url.
 */
public final class SignalDuringStartupWorker {
  private SignalDuringStartupWorker() {}

  public static void main(String[] args) throws Exception {
    Tasks tasks = Tasks.builder().database(args[0]).type(TaskProcess.napType(0)).build();
    App app = App.builder().lane(Tasks.lane(1))
        .onStartup(s -> {
          System.out.println("HOOK");
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        })
        .onShutdown(s -> System.out.println("SHUTDOWN"))
        .build();
    TaskWorker worker = TaskWorker.startStoppingOnSignal(app, tasks);
    worker.awaitClose();
    app.close();
    System.out.println("CLOSED");
  }
}

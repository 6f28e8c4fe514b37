package dev.lanes.concurrency;

import java.util.concurrent.CountDownLatch;

/** Starts threads together against one action of the calling thread, for tests of racing state. */
public final class Race {
  private Race() {}

  /**
   * Releases {@code threads} platform threads, each calling {@code register} {@code perThread}
   * times, and at the same moment runs {@code against} here; returns once every thread is done.
   */
  public static void registrationsAgainst(int threads, int perThread, Runnable register, Runnable against)
      throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    Thread[] registrars = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      registrars[t] = Thread.ofPlatform().start(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perThread; i++) {
          register.run();
        }
      });
    }
    start.countDown();
    against.run();
    for (Thread t : registrars) {
      t.join();
    }
  }
}

package dev.lanes.observe;

import java.time.Duration;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;

/**
 * Reports virtual threads that block while pinned to their carrier thread, from JFR's
 * {@code jdk.VirtualThreadPinned} event streamed in-process ({@link RecordingStream}). A pinned
 * lane thread holds a carrier (one of a few, one per core) for as long as it blocks, so enough of
 * them stall every virtual thread of every lane. Since JDK 24 (JEP 491) {@code synchronized} no
 * longer pins; native frames and class initialisers on the stack still do.
 *
 * <p>Each event is logged at WARN and passed to {@link LanesListener#virtualThreadPinned}. JFR
 * delivers events in batches about once a second, so reports lag by up to that.
 *
 * <pre>{@code try (PinningMonitor m = PinningMonitor.start(app.observability(), Duration.ofMillis(20))) { ... } }</pre>
 */
public final class PinningMonitor implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PinningMonitor.class.getName());
  private static final String EVENT = "jdk.VirtualThreadPinned";

  private final RecordingStream stream;

  private PinningMonitor(RecordingStream stream) {
    this.stream = stream;
  }

  /** Starts streaming pinning events longer than {@code threshold} to the app's listeners. */
  public static PinningMonitor start(Observability observability, Duration threshold) {
    LanesListener listener = observability.listener();
    RecordingStream rs = new RecordingStream();
    rs.enable(EVENT).withThreshold(threshold).withStackTrace();
    rs.setMaxAge(Duration.ofSeconds(10));
    rs.onEvent(EVENT, e -> report(e, listener));
    rs.startAsync();
    return new PinningMonitor(rs);
  }

  private static void report(RecordedEvent e, LanesListener listener) {
    String thread = e.getThread() == null ? "?" : e.getThread().getJavaName();
    List<String> stack = e.getStackTrace() == null ? List.of()
        : e.getStackTrace().getFrames().stream().map(PinningMonitor::frame).toList();
    PinnedThread report = new PinnedThread(thread == null ? "?" : thread, e.getDuration(), stack);
    LOG.log(System.Logger.Level.WARNING, () -> "virtual thread " + report.thread()
        + " was pinned to its carrier for " + report.duration().toMillis() + " ms while blocking; at "
        + (stack.isEmpty() ? "?" : String.join(" <- ", stack.subList(0, Math.min(6, stack.size())))));
    listener.virtualThreadPinned(report);
  }

  private static String frame(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber();
  }

  @Override
  public void close() {
    stream.close();
  }
}

package dev.lanes.internal.logging;

import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link System.Logger} that keeps what it is given, at or above a threshold. */
final class RecordingSystemLogger implements System.Logger {
  record Entry(Level level, String message, Throwable thrown) {}

  private final Level threshold;
  final List<Entry> entries = new CopyOnWriteArrayList<>();

  RecordingSystemLogger(Level threshold) {
    this.threshold = threshold;
  }

  @Override
  public String getName() {
    return "io.netty.Recorded";
  }

  @Override
  public boolean isLoggable(Level level) {
    return level.getSeverity() >= threshold.getSeverity();
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    if (isLoggable(level)) {
      entries.add(new Entry(level, msg, thrown));
    }
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    if (isLoggable(level)) {
      entries.add(new Entry(level, format, null));
    }
  }
}

package dev.lanes.tasks;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a task is in its life; written in JSON as its lower-case name ({@code "queued"}). */
public enum TaskState {
  /** Waiting for its time or a free worker, including between retries. */
  QUEUED,
  /** An attempt is running. */
  RUNNING,
  /** An attempt returned; its result is kept. */
  SUCCEEDED,
  /** The last attempt the retry policy allows failed; its error is kept. */
  FAILED,
  /** Cancelled while queued; it will not run. */
  CANCELLED;

  /** The lower-case name, as stored and as written in JSON. */
  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state called {@code wire}. @throws IllegalArgumentException for an unknown name */
  public static TaskState ofWire(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }

  /** Succeeded, failed or cancelled: nothing more will happen to the task. */
  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}

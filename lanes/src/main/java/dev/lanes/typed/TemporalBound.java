package dev.lanes.typed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * {@code @Past}, {@code @Future} and their {@code OrPresent} forms on a date or datetime, reported as
 * pydantic reports {@code PastDate}, {@code FutureDate}, {@code PastDatetime} and {@code FutureDatetime}.
 * "Now" is read from the clock at each check: a {@code LocalDate} against today's date and a
 * {@code LocalDateTime} against the wall time in the clock's zone (pydantic's local date and time),
 * an {@code OffsetDateTime} or {@code Instant} against the moment. pydantic has no "or present"
 * types; a value they refuse is strictly on the other side, so it gets the same error.
 */
final class TemporalBound implements Constraint {
  private final boolean past;
  private final boolean present; // the present itself passes (the OrPresent forms)
  private final Class<?> type;
  private final Clock clock;
  private final String errorType;
  private final String msg;

  /** {@code past}: the value must be before now; else after it. {@code type} is a date or datetime class. */
  TemporalBound(boolean past, boolean present, Class<?> type, Clock clock) {
    this.past = past;
    this.present = present;
    this.type = type;
    this.clock = clock;
    boolean date = type == LocalDate.class;
    this.errorType = (date ? "date_" : "datetime_") + (past ? "past" : "future");
    // pydantic's own wording: a date "Date should ...", a datetime "Input should ..."
    this.msg = (date ? "Date" : "Input") + " should be in the " + (past ? "past" : "future");
  }

  /** Whether {@code type} takes this bound: the date and datetime types, not a time of day. */
  static boolean applies(Class<?> type) {
    return type == LocalDate.class || type == LocalDateTime.class || type == OffsetDateTime.class
        || type == Instant.class;
  }

  @Override
  public boolean holds(Object value) {
    int c = compareToNow(value);
    return past ? c < 0 || present && c == 0 : c > 0 || present && c == 0;
  }

  private int compareToNow(Object value) {
    return switch (value) {
      case LocalDate d -> d.compareTo(LocalDate.now(clock));
      case LocalDateTime d -> d.compareTo(LocalDateTime.now(clock));
      case OffsetDateTime d -> d.toInstant().compareTo(clock.instant());
      case Instant d -> d.compareTo(clock.instant());
      default -> throw new IllegalStateException("not a date or datetime: " + type);
    };
  }

  @Override
  public boolean test(Object value, Loc loc, JsonNode input, Violations v) {
    if (!v.checksNow() || holds(value)) {
      return true;
    }
    v.add(errorType, loc, msg, input, Map.of());
    return false;
  }

  @Override
  public void document(ObjectNode schema) {
    // Nothing: JSON Schema has no keyword for it, and FastAPI writes only the format.
  }
}

package dev.lanes.typed;

import dev.lanes.internal.http.StatusPhrases;

/** The reason phrase of a status as Python's {@code http.HTTPStatus} gives it (FastAPI's default description). */
final class StatusPhrase {
  private StatusPhrase() {}

  static String of(int status) {
    String phrase = StatusPhrases.of(status);
    return phrase != null ? phrase : "Additional Response";
  }
}

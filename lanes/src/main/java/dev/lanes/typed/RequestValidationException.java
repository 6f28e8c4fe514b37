package dev.lanes.typed;

import dev.lanes.http.HttpException;
import java.util.List;

/**
 * A typed route's input did not fit its declaration: every {@link ValidationError} of the
 * request at once. The typed layer answers it with 422 and FastAPI's body
 * ({@code {"detail":[...]}}), or RFC 9457 problem details when the API asks for them; an app
 * exception handler for this type replaces both.
 *
 * <pre>{@code App.builder().exceptionHandler(RequestValidationException.class, e -> Response.json(e.errors()).withStatus(400))}</pre>
 */
public final class RequestValidationException extends HttpException {
  private static final long serialVersionUID = 1L;
  private final transient List<ValidationError> errors;

  public RequestValidationException(List<ValidationError> errors) {
    super(422, errors.size() + " validation error" + (errors.size() == 1 ? "" : "s"));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a validation failure needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  /** The errors, in the order the request's inputs were read. */
  public List<ValidationError> errors() {
    return errors;
  }
}

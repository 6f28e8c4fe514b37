package dev.lanes.typed;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanes.http.Response;
import java.util.function.Function;

/**
 * How a 422 is answered and documented, chosen once per API so the two always agree: FastAPI's
 * {@code {"detail": [...]}} ({@code HTTPValidationError}), RFC 9457 problem details, or the
 * app's own record.
 */
final class ValidationBody {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final String mediaType;
  private final Function<RequestValidationException, Object> custom; // null: one of the built-in bodies
  private final Shape customShape;

  private ValidationBody(String mediaType, Function<RequestValidationException, Object> custom, Shape customShape) {
    this.mediaType = mediaType;
    this.custom = custom;
    this.customShape = customShape;
  }

  static ValidationBody fastApi() {
    return new ValidationBody("application/json", null, null);
  }

  static ValidationBody problemDetails() {
    return new ValidationBody("application/problem+json", null, null);
  }

  static ValidationBody custom(Shape shape, Function<RequestValidationException, Object> body) {
    return new ValidationBody("application/json", body, shape);
  }

  Response respond(RequestValidationException e) {
    if (custom != null) {
      return Response.json(custom.apply(e)).withStatus(422);
    }
    ArrayNode detail = F.arrayNode();
    e.errors().forEach(err -> detail.add(err.toJson()));
    if (mediaType.equals("application/problem+json")) {
      ObjectNode problem = F.objectNode();
      problem.put("type", "about:blank");
      problem.put("title", "Unprocessable Content");
      problem.put("status", 422);
      problem.put("detail", e.getMessage());
      problem.set("errors", detail);
      return Response.json(problem).withStatus(422).withHeader("Content-Type", mediaType);
    }
    return Response.json(F.objectNode().set("detail", detail)).withStatus(422);
  }

  /** The 422 response of the document; adds the schemas it refers to. */
  ObjectNode document(Schemas schemas) {
    ObjectNode schema;
    if (custom != null) {
      schemas.output(true);
      schema = customShape.schema(schemas).deepCopy();
      schemas.output(false);
    } else {
      schemas.put("ValidationError", validationError());
      if (mediaType.equals("application/problem+json")) {
        schemas.put("ValidationProblem", validationProblem());
        schema = Schemas.ref("ValidationProblem");
      } else {
        schemas.put("HTTPValidationError", httpValidationError());
        schema = Schemas.ref("HTTPValidationError");
      }
    }
    ObjectNode r = F.objectNode().put("description", "Validation Error");
    r.putObject("content").putObject(mediaType).set("schema", schema);
    return r;
  }

  private static ObjectNode validationError() {
    ObjectNode s = F.objectNode();
    ObjectNode props = s.putObject("properties");
    ObjectNode loc = props.putObject("loc");
    ArrayNode any = loc.putObject("items").putArray("anyOf");
    any.addObject().put("type", "string");
    any.addObject().put("type", "integer");
    loc.put("type", "array").put("title", "Location");
    props.putObject("msg").put("type", "string").put("title", "Message");
    props.putObject("type").put("type", "string").put("title", "Error Type");
    props.putObject("input").put("title", "Input");
    props.putObject("ctx").put("type", "object").put("title", "Context");
    s.put("type", "object");
    s.putArray("required").add("loc").add("msg").add("type");
    s.put("title", "ValidationError");
    return s;
  }

  private static ObjectNode httpValidationError() {
    ObjectNode s = F.objectNode();
    ObjectNode detail = s.putObject("properties").putObject("detail");
    detail.set("items", Schemas.ref("ValidationError"));
    detail.put("type", "array").put("title", "Detail");
    s.put("type", "object").put("title", "HTTPValidationError");
    return s;
  }

  /** RFC 9457's members as {@link #respond} writes them, with the errors under {@code errors}. */
  private static ObjectNode validationProblem() {
    ObjectNode s = F.objectNode();
    ObjectNode props = s.putObject("properties");
    props.putObject("type").put("type", "string").put("title", "Type");
    props.putObject("title").put("type", "string").put("title", "Title");
    props.putObject("status").put("type", "integer").put("title", "Status");
    props.putObject("detail").put("type", "string").put("title", "Detail");
    ObjectNode errors = props.putObject("errors");
    errors.set("items", Schemas.ref("ValidationError"));
    errors.put("type", "array").put("title", "Errors");
    s.put("type", "object");
    s.putArray("required").add("type").add("title").add("status").add("errors");
    s.put("title", "ValidationProblem");
    return s;
  }
}

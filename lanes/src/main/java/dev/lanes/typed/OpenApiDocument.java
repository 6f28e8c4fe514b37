package dev.lanes.typed;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAPI 3.1 document, generated once from the compiled route plans (so it cannot drift
 * from what the routes accept), in FastAPI's layout: operations with parameters (dependencies'
 * too), request bodies and responses, 422 with {@code HTTPValidationError}, records and enums
 * under {@code components/schemas}, and the security schemes routes depend on.
 */
final class OpenApiDocument {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private OpenApiDocument() {}

  static ObjectNode of(String title, String version, List<String> servers, List<RoutePlan> plans,
      List<SecurityScheme> schemes) {
    Schemas schemas = new Schemas();
    ObjectNode doc = F.objectNode();
    doc.put("openapi", "3.1.0");
    doc.putObject("info").put("title", title).put("version", version);
    if (!servers.isEmpty()) {
      ArrayNode list = doc.putArray("servers");
      servers.forEach(url -> list.addObject().put("url", url));
    }
    ObjectNode paths = doc.putObject("paths");
    boolean anyValidation = false;
    Set<String> operationIds = new LinkedHashSet<>();
    Map<String, SecurityScheme> used = new LinkedHashMap<>();
    for (RoutePlan p : plans) {
      Operation about = p.method.getAnnotation(Operation.class);
      if (about != null && about.hidden()) {
        continue;
      }
      ObjectNode item = paths.has(p.path) ? (ObjectNode) paths.get(p.path) : paths.putObject(p.path);
      ObjectNode op = item.putObject(p.httpMethod.toLowerCase(java.util.Locale.ROOT));
      String operationId = about != null && !about.operationId().isEmpty() ? about.operationId() : operationId(p);
      if (!operationIds.add(operationId)) {
        throw new IllegalArgumentException(p.name() + ": operationId " + operationId + " is not unique");
      }
      if (about != null && about.tags().length > 0) {
        ArrayNode tags = op.putArray("tags");
        for (String t : about.tags()) {
          tags.add(t);
        }
      }
      op.put("summary", about != null && !about.summary().isEmpty() ? about.summary()
          : Schemas.title(PlanCompiler.snake(p.method.getName())));
      if (about != null && !about.description().isEmpty()) {
        op.put("description", about.description());
      }
      op.put("operationId", operationId);
      if (about != null && about.deprecated()) {
        op.put("deprecated", true);
      }
      List<Binder.Text> params = new ArrayList<>();
      List<Binder.Body> bodies = new ArrayList<>();
      Set<ProviderPlan> providers = new LinkedHashSet<>();
      for (Binder b : p.binders) { // the route's own parameters first, then its dependencies', as FastAPI lists them
        if (!(b instanceof Binder.Dependency)) {
          walk(b, params, bodies, providers);
        }
      }
      p.required.forEach(r -> walk(r, params, bodies, providers));
      for (Binder b : p.binders) {
        if (b instanceof Binder.Dependency) {
          walk(b, params, bodies, providers);
        }
      }
      boolean validates = !params.isEmpty() || !bodies.isEmpty();
      if (!params.isEmpty()) {
        ArrayNode list = op.putArray("parameters");
        Set<String> seen = new LinkedHashSet<>();
        for (Binder.Text t : params) {
          if (seen.add(t.source().key() + ":" + t.name())) {
            list.add(parameter(t, schemas));
          }
        }
      }
      if (!bodies.isEmpty()) {
        Binder.Body body = bodies.get(0);
        ObjectNode rb = op.putObject("requestBody");
        rb.putObject("content").putObject("application/json").set("schema", body.shape().schema(schemas));
        rb.put("required", body.required());
      }
      ObjectNode responses = op.putObject("responses");
      ObjectNode ok = responses.putObject(String.valueOf(p.status));
      ok.put("description", "Successful Response");
      if (p.status != 204) {
        schemas.output(true);
        ObjectNode schema = p.responseShape.map(s -> s.schema(schemas)).orElse(F.objectNode());
        schemas.output(false);
        if (!schema.has("$ref")) {
          schema.put("title", "Response " + Schemas.title(operationId));
        }
        ok.putObject("content").putObject("application/json").set("schema", schema);
      }
      if (validates) {
        anyValidation = true;
        responses.putObject("422").put("description", "Validation Error").putObject("content")
            .putObject("application/json").set("schema", Schemas.ref("HTTPValidationError"));
      }
      List<SecurityScheme> security = new ArrayList<>();
      for (ProviderPlan pp : providers) {
        if (pp.target instanceof SecurityScheme s) {
          security.add(s);
          used.put(s.schemeName(), s);
        }
      }
      if (!security.isEmpty()) {
        ArrayNode sec = op.putArray("security");
        security.forEach(s -> sec.addObject().putArray(s.schemeName()));
      }
    }
    if (anyValidation) {
      schemas.put("ValidationError", validationError());
      schemas.put("HTTPValidationError", httpValidationError());
    }
    ObjectNode components = F.objectNode();
    ObjectNode all = schemas.all(doc);
    if (!all.isEmpty()) {
      components.set("schemas", all);
    }
    if (!used.isEmpty()) {
      ObjectNode s = components.putObject("securitySchemes");
      used.forEach((name, scheme) -> s.set(name, scheme.definition()));
    }
    if (!components.isEmpty()) {
      doc.set("components", components);
    }
    return doc;
  }

  private static void walk(Object node, List<Binder.Text> params, List<Binder.Body> bodies, Set<ProviderPlan> providers) {
    switch (node) {
      case ProviderPlan pp -> {
        if (providers.add(pp)) {
          for (Binder b : pp.binders()) {
            walk(b, params, bodies, providers);
          }
        }
      }
      case Binder.Dependency d -> walk(d.provider(), params, bodies, providers);
      case Binder.Text t -> params.add(t);
      case Binder.Body b -> bodies.add(b);
      default -> { }
    }
  }

  private static ObjectNode parameter(Binder.Text t, Schemas schemas) {
    ObjectNode p = F.objectNode();
    p.put("name", t.name());
    p.put("in", t.source().key());
    p.put("required", t.required());
    ObjectNode schema = t.shape().schema(schemas).deepCopy();
    if (t.documentedDefault() != null && !t.documentedDefault().isNull()) {
      schema.set("default", t.documentedDefault());
    }
    if (!schema.has("$ref")) {
      schema.put("title", Schemas.title(t.name()));
    }
    p.set("schema", schema);
    return p;
  }

  /** FastAPI's operationId: function name, path with non-word characters as {@code _}, method. */
  static String operationId(RoutePlan p) {
    return PlanCompiler.snake(p.method.getName()) + p.path.replaceAll("\\W", "_") + "_"
        + p.httpMethod.toLowerCase(java.util.Locale.ROOT);
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
}

package dev.lanes.typed;

import com.fasterxml.jackson.databind.JsonNode;
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
  // A typed segment's converter ({file_path:path}), which OpenAPI's path templates do not have.
  private static final java.util.regex.Pattern CONVERTER =
      java.util.regex.Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*):[a-z]+}");

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private OpenApiDocument() {}

  /**
   * {@code doc} as served to a request under {@code rootPath} (FastAPI's {@code openapi} route
   * with {@code root_path_in_servers}): that path first in {@code servers}, unless listed already,
   * so Swagger UI's "Try it out" calls the app under the proxy's prefix; {@code doc} itself when
   * there is no root path.
   */
  static ObjectNode served(ObjectNode doc, String rootPath) {
    if (rootPath.isEmpty()) {
      return doc;
    }
    JsonNode listed = doc.path("servers");
    for (JsonNode server : listed) {
      if (rootPath.equals(server.path("url").asText())) {
        return doc;
      }
    }
    ObjectNode out = F.objectNode();
    doc.properties().forEach(field -> {
      if (!field.getKey().equals("servers")) {
        out.set(field.getKey(), field.getValue());
      }
      if (field.getKey().equals("info")) { // where the document lists its servers: after info
        ArrayNode servers = out.putArray("servers");
        servers.addObject().put("url", rootPath);
        listed.forEach(servers::add);
      }
    });
    return out;
  }

  static ObjectNode of(String title, String version, List<String> servers, List<RoutePlan> plans,
      List<SecurityScheme> schemes, ValidationBody errors) {
    Schemas schemas = new Schemas();
    ObjectNode doc = F.objectNode();
    doc.put("openapi", "3.1.0");
    doc.putObject("info").put("title", title).put("version", version);
    if (!servers.isEmpty()) {
      ArrayNode list = doc.putArray("servers");
      servers.forEach(url -> list.addObject().put("url", url));
    }
    ObjectNode paths = doc.putObject("paths");
    Set<String> operationIds = new LinkedHashSet<>();
    Map<String, SecurityScheme> used = new LinkedHashMap<>();
    for (RoutePlan p : plans) {
      Operation about = p.method.getAnnotation(Operation.class);
      if (about != null && about.hidden()) {
        continue;
      }
      String path = documentedPath(p);
      ObjectNode item = paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
      ObjectNode op = item.putObject(p.httpMethod.toLowerCase(java.util.Locale.ROOT));
      String operationId = about != null && !about.operationId().isEmpty() ? about.operationId() : operationId(p);
      if (!operationIds.add(operationId)) {
        throw new IllegalArgumentException(p.name() + ": operationId " + operationId + " is not unique");
      }
      if (!p.tags.isEmpty()) {
        ArrayNode tags = op.putArray("tags");
        p.tags.forEach(tags::add);
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
      RouteInputs inputs = RouteInputs.of(p.binders, p.required);
      List<Binder.Text> params = inputs.params;
      List<Binder.Body> bodies = inputs.bodies;
      Set<ProviderPlan> providers = inputs.providers;
      boolean validates = !params.isEmpty() || !bodies.isEmpty() || inputs.readsForm();
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
        List<Binder.Body> embedded = inputs.embedsBodies() ? bodies : List.of(); // the dependencies' too
        Binder.Body body = bodies.get(0);
        ObjectNode rb = op.putObject("requestBody");
        ObjectNode schema;
        if (!embedded.isEmpty()) { // one object with a member per body, as FastAPI's Body_<operationId>
          String name = "Body_" + operationId;
          schemas.put(name, embeddedSchema(name, embedded, schemas));
          schema = Schemas.ref(name);
        } else {
          schema = body.shape().schema(schemas).deepCopy();
          if (!schema.has("$ref") && body.name() != null) { // FastAPI titles a body that is no model after its parameter
            schema.put("title", Schemas.title(body.name()));
          }
          body.doc().onto(schema);
        }
        rb.putObject("content").putObject("application/json").set("schema", schema);
        if (embedded.isEmpty() ? body.required() : embedded.stream().anyMatch(Binder.Body::required)) {
          rb.put("required", true); // FastAPI leaves it out when false
        }
      }
      if (inputs.readsForm()) {
        ObjectNode schema;
        if (inputs.formFields.get(0) instanceof Binder.FormRecord r) { // the whole form, documented as the record
          schema = r.shape().schema(schemas);
        } else {
          String name = "Body_" + operationId;
          schemas.put(name, formSchema(name, inputs.formFields, schemas));
          schema = Schemas.ref(name);
        }
        ObjectNode rb = op.putObject("requestBody");
        rb.putObject("content").putObject(inputs.uploads() ? "multipart/form-data" : "application/x-www-form-urlencoded")
            .set("schema", schema);
        if (inputs.formFields.stream().anyMatch(OpenApiDocument::required)) {
          rb.put("required", true);
        }
      }
      ObjectNode responses = op.putObject("responses");
      ObjectNode ok = responses.putObject(String.valueOf(p.status));
      ok.put("description", "Successful Response");
      if (p.status != 204) {
        schemas.output(true);
        ObjectNode schema = p.responseShape.map(s -> s.schema(schemas)).orElse(F.objectNode());
        schemas.output(false);
        if (p.responseShape.isPresent() && !schema.has("$ref")) { // an undescribed result is {}, as FastAPI's
          schema.put("title", Schemas.titleAsPython("Response_" + operationId)); // FastAPI's, from the operationId as given
        }
        ok.putObject("content").putObject("application/json").set("schema", schema);
      }
      for (DeclaredResponse d : p.declared) {
        ObjectNode r = responses.putObject(String.valueOf(d.status())).put("description", d.description());
        if (d.shape().isPresent()) {
          schemas.output(true);
          ObjectNode schema = d.shape().get().schema(schemas).deepCopy();
          schemas.output(false);
          if (!schema.has("$ref")) {
            schema.put("title", Schemas.titleAsPython("Response_" + d.status() + "_" + operationId));
          }
          r.putObject("content").putObject("application/json").set("schema", schema);
        }
      }
      if (p.returnsOptional && !p.nullWhenEmpty && !responses.has("404")) {
        responses.putObject("404").put("description", "Not Found"); // an empty Optional
      }
      if (validates && !responses.has("422")) { // a declared 422 is kept, as FastAPI keeps it
        responses.set("422", errors.document(schemas));
      }
      ArrayNode sec = F.arrayNode();
      for (ProviderPlan pp : providers) {
        if (pp.target instanceof SecurityScheme s) {
          used.put(s.schemeName(), s);
          ArrayNode scopes = sec.addObject().putArray(s.schemeName()); // FastAPI lists them for any scheme
          p.scopes.of(pp).scopes().forEach(scopes::add);
        }
      }
      if (!sec.isEmpty()) {
        op.set("security", sec);
      }
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

  /** The object embedded bodies are members of: each under its parameter's name, titled as pydantic titles a field. */
  private static ObjectNode embeddedSchema(String name, List<Binder.Body> bodies, Schemas schemas) {
    ObjectNode s = F.objectNode();
    ObjectNode props = s.putObject("properties");
    ArrayNode required = F.arrayNode();
    for (Binder.Body b : bodies) {
      if (props.has(b.name())) {
        continue;
      }
      ObjectNode schema = b.shape().schema(schemas).deepCopy();
      if (Schemas.titled(b.shape())) {
        schema.put("title", Schemas.title(b.name()));
      }
      if (b.documentedDefault() != null && !b.documentedDefault().isNull()) {
        schema.set("default", b.documentedDefault());
      }
      props.set(b.name(), b.doc().onto(schema));
      if (b.required()) {
        required.add(b.name());
      }
    }
    s.put("type", "object");
    if (!required.isEmpty()) {
      s.set("required", required);
    }
    s.put("title", name);
    return s;
  }

  /** FastAPI's {@code Body_<operationId>} schema: one property per form field or upload. */
  private static ObjectNode formSchema(String name, List<Binder> fields, Schemas schemas) {
    ObjectNode s = F.objectNode();
    ObjectNode props = s.putObject("properties");
    List<String> required = new ArrayList<>();
    for (Binder b : fields) {
      switch (b) {
        case Binder.FormValue f -> {
          ObjectNode schema = f.shape().schema(schemas).deepCopy();
          if (f.documentedDefault() != null && !f.documentedDefault().isNull()) {
            schema.set("default", f.documentedDefault());
          }
          if (f.format() != null) {
            schema.put("format", f.format());
          }
          if (Schemas.titled(f.shape())) {
            schema.put("title", Schemas.title(f.name()));
          }
          props.set(f.name(), f.doc().onto(schema));
        }
        case Binder.Upload u -> {
          ObjectNode file = F.objectNode().put("type", "string").put("contentMediaType", "application/octet-stream");
          ObjectNode schema = F.objectNode();
          switch (u.arity()) {
            case ONE -> schema = file;
            case LIST -> {
              schema.set("items", file);
              schema.put("type", "array");
            }
            case OPTIONAL -> schema.putArray("anyOf").add(file).addObject().put("type", "null");
          }
          props.set(u.name(), u.doc().onto(schema.put("title", Schemas.title(u.name()))));
        }
        default -> { }
      }
      if (required(b)) {
        required.add(b instanceof Binder.FormValue f ? f.name() : ((Binder.Upload) b).name());
      }
    }
    s.put("type", "object");
    if (!required.isEmpty()) {
      ArrayNode r = s.putArray("required");
      required.forEach(r::add);
    }
    s.put("title", name);
    return s;
  }

  private static boolean required(Binder b) {
    return switch (b) {
      case Binder.FormValue f -> f.required();
      case Binder.Upload u -> u.required();
      case Binder.FormRecord r -> r.shape().fields().stream().anyMatch(RecordShape.Field::required);
      default -> false;
    };
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
    p.set("schema", t.doc().onto(schema));
    t.doc().onParameter(p); // FastAPI repeats these on the parameter object, which tools read
    return p;
  }

  /** FastAPI's operationId: function name, path with non-word characters as {@code _}, method. */
  static String operationId(RoutePlan p) {
    return PlanCompiler.snake(p.method.getName()) + documentedPath(p).replaceAll("\\W", "_") + "_"
        + p.httpMethod.toLowerCase(java.util.Locale.ROOT);
  }

  /** The route's path as OpenAPI templates it: {@code /files/{file_path}}, without a converter's {@code :path}. */
  static String documentedPath(RoutePlan p) {
    return CONVERTER.matcher(p.path).replaceAll("{$1}");
  }

}

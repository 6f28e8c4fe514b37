package dev.lanes.typed;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.lanes.forms.UploadFile;
import dev.lanes.http.HttpException;
import dev.lanes.internal.http.CookieValues;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How one parameter of a handler or provider gets its value, compiled once per route. Each
 * returns the value, or {@link Shape#INVALID} after reporting why to the request's
 * {@link Violations}.
 */
sealed interface Binder {
  Object bind(Binding b);

  /** Where a text parameter comes from, as it appears in {@code loc} and in the document's {@code in}. */
  enum Source { PATH, QUERY, HEADER, COOKIE;

    private final String key = name().toLowerCase(Locale.ROOT);

    String key() {
      return key;
    }
  }

  /**
   * A parameter read from text: {@code fallback} when absent ({@link RecordShape.Field#REQUIRED}
   * if it must be there), the last value for a scalar (as Starlette reads a query), every value
   * for a list.
   */
  record Text(Source source, String name, Shape shape, Object fallback, JsonNode documentedDefault, ValueDoc doc,
              Loc loc) implements Binder {
    Text(Source source, String name, Shape shape, Object fallback, JsonNode documentedDefault, ValueDoc doc) {
      this(source, name, shape, fallback, documentedDefault, doc, Loc.root(source.key()).child(name));
    }

    boolean required() {
      return fallback == RecordShape.Field.REQUIRED;
    }

    @Override
    public Object bind(Binding b) {
      List<String> values = switch (source) {
        case PATH -> b.request.pathParams().all(name);
        case QUERY -> b.request.query().all(name);
        case HEADER -> b.request.headers().all(name);
        case COOKIE -> CookieValues.of(b.request.headers().all("cookie"), name);
      };
      if (values.isEmpty()) {
        if (!required()) {
          return fallback;
        }
        b.violations.missing(loc, NullNode.instance);
        return Shape.INVALID;
      }
      if (shape.takesEveryValue()) { // every value, read as JSON strings so constraints see the list
        var array = JsonNodeFactory.instance.arrayNode(values.size());
        values.forEach(array::add);
        return shape.fromJson(array, loc, b.violations);
      }
      // A repeated query parameter gives its last value (Starlette's QueryParams), a header its first (Headers.get).
      return shape.fromText(values.get(source == Source.HEADER ? 0 : values.size() - 1), loc, b.violations);
    }
  }

  /**
   * The JSON body read into {@code shape}; {@code fallback} when there is no body. A body without
   * a Content-Type is JSON only when not {@code strictContentType}. {@code name} is the
   * parameter's (null if the class file has none), the title FastAPI gives a body's schema; an
   * {@code embedded} body is read from the body's member of that name instead (FastAPI's
   * {@code Body(embed=True)}, and every body of a handler that has several); so is every body of a
   * route whose bodies, its dependencies' too, have several names ({@link Binding#embedsBodies}).
   */
  record Body(String name, Shape shape, Object fallback, JsonNode documentedDefault, boolean embedded,
              boolean strictContentType, ValueDoc doc) implements Binder {
    Body embed() {
      return new Body(name, shape, fallback, documentedDefault, true, strictContentType, doc);
    }

    // A shared buffer pool, not Jackson's per-thread one: a handler's virtual thread reads one body.
    static final ObjectMapper JSON = JsonMapper.builder(
            JsonFactory.builder().recyclerPool(JsonRecyclerPools.newBoundedPool(64)).build())
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // Python's json reads NaN and Infinity; the shape then refuses them
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
    private static final JsonNode EMPTY_OBJECT = JsonNodeFactory.instance.objectNode();
    private static final Loc BODY = Loc.root("body");

    boolean required() {
      return fallback == RecordShape.Field.REQUIRED;
    }

    /** Reads the body once; false if it is malformed JSON, which FastAPI reports alone, before anything else. */
    static boolean prepare(Binding b, boolean strictContentType) {
      if (!b.bodyRead()) {
        b.body(read(b, strictContentType));
      }
      return b.body() != INVALID_JSON;
    }

    /**
     * {@link #prepare}, first trying to read the body straight into {@code only}'s shape (the
     * route's one {@code @Body}: nobody else needs a tree). A body that fits is then well-formed
     * and its value is kept for {@link #bind}; any other is read as a tree, as always.
     */
    static boolean prepare(Binding b, Body only) {
      if (!b.bodyRead() && b.streamed(only) == null) {
        byte[] bytes = b.request.body();
        if (bytes.length > 0 && isJson(b.request.headers().first("content-type").orElse(""), only.strictContentType)) {
          Object value = BodyStream.read(JSON, only.shape, bytes);
          if (value != Shape.REREAD) {
            b.streamed(only, value);
            return true;
          }
        }
      }
      return b.streamed(only) != null || prepare(b, only.strictContentType);
    }

    @Override
    public Object bind(Binding b) {
      Object streamed = b.streamed(this);
      if (streamed != null) { // a top-level Optional reads null as empty: the body's default, as below
        return streamed == Optional.empty() && !required() ? fallback : streamed;
      }
      prepare(b, strictContentType);
      JsonNode body = b.body();
      if (body == INVALID_JSON) {
        return Shape.INVALID;
      }
      Loc loc = BODY;
      if (embedded || b.embedsBodies) { // FastAPI reads a member that is not there, or null, as absent; a body that is no object has none
        loc = loc.child(name);
        body = body != null && body.isObject() ? body.get(name) : null;
      }
      if (body == null || body.isNull()) { // FastAPI takes a JSON null body for no body
        if (!required()) {
          return fallback;
        }
        b.violations.missing(loc, NullNode.instance);
        return Shape.INVALID;
      }
      return shape.fromJson(body, loc, b.violations);
    }

    private static final JsonNode INVALID_JSON = TextNode.valueOf("invalid JSON");

    /**
     * The body as FastAPI reads it: JSON if the Content-Type is JSON ({@code +json} too) or
     * absent and not {@code strictContentType}, otherwise its text, which a record then
     * refuses. Malformed JSON is reported at once, in Python's words and position; a body that
     * is no JSON text for another reason (not UTF-8, nested or numbers past the parser's
     * limits) is FastAPI's 400.
     */
    private static JsonNode read(Binding b, boolean strictContentType) {
      byte[] bytes = b.request.body();
      if (bytes.length == 0) {
        return null;
      }
      String type = b.request.headers().first("content-type").orElse("");
      if (!isJson(type, strictContentType)) {
        return TextNode.valueOf(new String(bytes, StandardCharsets.UTF_8));
      }
      JsonNode tree;
      try {
        tree = JSON.readTree(bytes);
      } catch (StreamConstraintsException e) { // Python gives up on these too (recursion, digit limits)
        throw unparseable();
      } catch (java.io.IOException e) {
        tree = null;
      }
      if (tree == null || tree.isMissingNode()) { // Jackson reads blank text as "no value"; Python refuses it
        JsonSyntax.Error error = JsonSyntax.find(utf8(bytes));
        if (error == null) { // not a syntax error: nothing to point at
          throw unparseable();
        }
        b.violations.add("json_invalid", Loc.root("body").child(error.position()),
            "JSON decode error", EMPTY_OBJECT, Map.of("error", error.message()));
        return INVALID_JSON;
      }
      return tree;
    }

    /** The body's text, or FastAPI's 400 if it is not UTF-8 (Python cannot decode it either). */
    private static String utf8(byte[] bytes) {
      try {
        return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        throw unparseable();
      }
    }

    /** FastAPI's answer to a body its JSON reader fails on other than by a syntax error. */
    private static HttpException unparseable() {
      return new HttpException(400, "There was an error parsing the body");
    }

    /** Whether the body is read as JSON: a JSON Content-Type, or none when not strict. */
    private static boolean isJson(String contentType, boolean strictContentType) {
      if (contentType.isEmpty()) {
        return !strictContentType;
      }
      if (contentType.regionMatches(true, 0, "application/json", 0, 16)
          && (contentType.length() == 16 || contentType.charAt(16) == ';')) {
        return true; // the common case, without splitting
      }
      String t = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      return t.equals("application/json") || (t.startsWith("application/") && t.endsWith("+json"));
    }
  }

  /**
   * A form field read from the request's parsed form (urlencoded or multipart): the last part of
   * its name for a scalar, every part for a list, in the order sent. An empty value counts as
   * absent, as FastAPI reads forms; a file part where text is expected is the type's error, its
   * input the file's name and size.
   */
  record FormValue(String name, Shape shape, Object fallback, JsonNode documentedDefault, String format, ValueDoc doc,
                   Loc loc) implements Binder {
    FormValue(String name, Shape shape, Object fallback, JsonNode documentedDefault, String format, ValueDoc doc) {
      this(name, shape, fallback, documentedDefault, format, doc, Loc.root("body").child(name));
    }

    boolean required() {
      return fallback == RecordShape.Field.REQUIRED;
    }

    @Override
    public Object bind(Binding b) {
      List<Object> values = b.form().values(name);
      boolean list = shape.takesEveryValue();
      if (values.isEmpty() || (!list && "".equals(values.get(values.size() - 1)))) {
        if (!required()) {
          return fallback;
        }
        b.violations.missing(loc, NullNode.instance);
        return Shape.INVALID;
      }
      if (list) {
        var array = JsonNodeFactory.instance.arrayNode(values.size());
        values.forEach(value -> array.add(partNode(value)));
        return shape.fromJson(array, loc, b.violations);
      }
      Object last = values.get(values.size() - 1);
      return last instanceof String text ? shape.fromText(text, loc, b.violations)
          : shape.fromJson(partNode(last), loc, b.violations);
    }
  }

  /**
   * A form part as a value to check: a text field's text, or for a file part its name and size
   * (what is worth showing of the file FastAPI reports as its {@code UploadFile}'s internals).
   */
  private static JsonNode partNode(Object part) {
    if (part instanceof UploadFile file) {
      return JsonNodeFactory.instance.objectNode().put("filename", file.filename()).put("size", file.size());
    }
    return TextNode.valueOf((String) part);
  }

  /**
   * A record read from the form's fields (FastAPI's {@code Annotated[Model, Form()]}), checked
   * as FastAPI checks one: the record's fields (a list takes every value; an absent or empty
   * one its declared default, if any) plus every other part as sent (a file as its name and
   * size), validated as one object, so a missing field's {@code input} is that object.
   */
  record FormRecord(RecordShape shape) implements Binder {
    private static final Loc BODY = Loc.root("body");

    @Override
    public Object bind(Binding b) {
      var form = b.form();
      var node = JsonNodeFactory.instance.objectNode();
      for (RecordShape.Field f : shape.fields()) {
        List<Object> values = form.values(f.name());
        if (f.shape().takesEveryValue() && !values.isEmpty()) {
          var array = node.putArray(f.name());
          values.forEach(value -> array.add(partNode(value)));
        } else if (!f.shape().takesEveryValue() && !values.isEmpty() && !"".equals(values.get(values.size() - 1))) {
          node.set(f.name(), partNode(values.get(values.size() - 1)));
        } else if (!f.required() && f.documentedDefault() != null && !f.documentedDefault().isNull()) {
          node.set(f.name(), f.documentedDefault());
        }
      }
      for (String name : form.names()) {
        List<Object> values = form.values(name);
        if (!node.has(name) && !values.isEmpty()) {
          node.set(name, partNode(values.get(values.size() - 1)));
        }
      }
      return shape.fromJson(node, BODY, b.violations);
    }
  }

  /**
   * Uploaded file parts of one name: exactly one ({@code UploadFile}, the last part of the name),
   * at least one ({@code List<UploadFile>}, every part) or at most one ({@code Optional<UploadFile>}).
   * A text field where a file is expected is pydantic's {@code value_error}, as FastAPI reports
   * it, at the part's index in a list; an empty one where one file is expected counts as absent.
   */
  record Upload(String name, Arity arity, ValueDoc doc, Loc loc) implements Binder {
    enum Arity { ONE, LIST, OPTIONAL }

    Upload(String name, Arity arity, ValueDoc doc) {
      this(name, arity, doc, Loc.root("body").child(name));
    }

    boolean required() {
      return arity != Arity.OPTIONAL;
    }

    @Override
    public Object bind(Binding b) {
      List<Object> values = b.form().values(name);
      // One file taken from an empty text is absent, as FastAPI reads an empty form value (File is
      // a Form): an urlencoded form sends an unselected file input as "file=".
      if (values.isEmpty() || (arity != Arity.LIST && "".equals(values.get(values.size() - 1)))) {
        if (arity == Arity.OPTIONAL) {
          return Optional.empty();
        }
        b.violations.missing(loc, NullNode.instance);
        return Shape.INVALID;
      }
      if (arity != Arity.LIST) {
        Object last = values.get(values.size() - 1);
        if (last instanceof UploadFile file) {
          return arity == Arity.ONE ? file : Optional.of(file);
        }
        notAFile((String) last, loc, b);
        return Shape.INVALID;
      }
      List<UploadFile> files = new ArrayList<>(values.size());
      for (int i = 0; i < values.size(); i++) {
        if (values.get(i) instanceof UploadFile file) {
          files.add(file);
        } else {
          notAFile((String) values.get(i), loc.child(i), b);
        }
      }
      return files.size() == values.size() ? List.copyOf(files) : Shape.INVALID;
    }

    private static void notAFile(String text, Loc at, Binding b) {
      b.violations.add("value_error", at, "Value error, Expected UploadFile, received: <class 'str'>",
          TextNode.valueOf(text), Map.of("error", JsonNodeFactory.instance.objectNode()));
    }
  }

  /** The response's background tasks, run after it is sent (one list per request). */
  record Background() implements Binder {
    @Override
    public Object bind(Binding b) {
      return b.background();
    }
  }

  /** The request itself. */
  record RequestItself() implements Binder {
    @Override
    public Object bind(Binding b) {
      return b.request;
    }
  }

  /**
   * The OAuth2 scopes the route requires of {@code owner} (the provider this parameter belongs
   * to; null for the handler's own).
   */
  record ScopesOf(ProviderPlan owner) implements Binder {
    @Override
    public Object bind(Binding b) {
      return b.scopes.of(owner);
    }
  }

  /** A dependency's value; {@code scopes} are the ones its parameter's {@link Scopes} requires of it. */
  record Dependency(ProviderPlan provider, List<String> scopes) implements Binder {
    @Override
    public Object bind(Binding b) {
      return provider.provide(b);
    }
  }
}

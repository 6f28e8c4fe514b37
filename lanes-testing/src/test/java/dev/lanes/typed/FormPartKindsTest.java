package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.forms.UploadFile;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A file part sent where a text field is expected, and a text part where a file is, in either
 * order: each parameter reads the parts of its name in the order sent, as FastAPI 0.142 reads
 * Starlette's {@code FormData} (a scalar the last part, a list every part, its errors at the
 * part's index). FastAPI's answers for the twin app are quoted, the file's {@code input} (which
 * FastAPI writes as the {@code UploadFile} object's internals) being its file name and size.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FormPartKindsTest {
  private static final String B = "XyZ";
  private static final String MULTIPART = "multipart/form-data; boundary=" + B;
  private static TestClient client;

  record Login(String username, int age) {}

  static final class Routes {
    @Post("/login")
    Login login(@FormField Login data) {
      return data;
    }

    @Post("/scalars")
    Map<String, Object> scalars(@FormField String s, @FormField @Default("0") int i, @FormField Optional<String> o) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("s", s);
      out.put("i", i);
      out.put("o", o.orElse(null));
      return out;
    }

    @Post("/list")
    Map<String, Object> list(@FormField List<String> a) {
      return Map.of("a", a);
    }

    @Post("/file")
    Map<String, Object> file(UploadFile file) {
      return Map.of("filename", file.filename());
    }

    @Post("/optional")
    Map<String, Object> optional(Optional<UploadFile> file) {
      return Map.of("filename", file.map(UploadFile::filename).orElse("none"));
    }

    @Post("/files")
    Map<String, Object> files(List<UploadFile> files) {
      return Map.of("names", files.stream().map(UploadFile::filename).toList());
    }
  }

  @BeforeAll
  static void start() {
    client = TestClient.start(TypedApi.builder().docsPath("").redocPath("").controller(new Routes()).build()
        .install(App.builder()).build());
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static String text(String name, String value) {
    return "--" + B + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  }

  private static String file(String name, String filename, String content) {
    return "--" + B + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n"
        + "Content-Type: text/plain\r\n\r\n" + content + "\r\n";
  }

  private static TestResponse post(String path, String... parts) {
    return client.post(path, String.join("", parts) + "--" + B + "--\r\n", MULTIPART);
  }

  /** Was "missing" (the file ignored): FastAPI reports each field's type error at the file. */
  @Test
  void aFileWhereATextFieldIsExpectedIsItsTypeError() {
    TestResponse r = post("/scalars", file("s", "a.txt", "x"), file("i", "b.txt", "y"), file("o", "c.txt", "z"));
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.json().toString()).isEqualTo("{\"detail\":["
        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"s\"],\"msg\":\"Input should be a valid string\","
        + "\"input\":{\"filename\":\"a.txt\",\"size\":1}},"
        + "{\"type\":\"int_type\",\"loc\":[\"body\",\"i\"],\"msg\":\"Input should be a valid integer\","
        + "\"input\":{\"filename\":\"b.txt\",\"size\":1}},"
        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"o\"],\"msg\":\"Input should be a valid string\","
        + "\"input\":{\"filename\":\"c.txt\",\"size\":1}}]}");
  }

  /** A scalar takes the last part of its name, file or text, as Starlette's FormData.get. */
  @Test
  void aScalarFieldTakesTheLastPartOfItsName() {
    TestResponse fileLast = post("/scalars", text("s", "t"), file("s", "", "x"));
    assertThat(fileLast.status()).as(fileLast.text()).isEqualTo(422);
    assertThat(fileLast.json().at("/detail/0/type").asText()).isEqualTo("string_type");
    assertThat(fileLast.json().at("/detail/0/input").toString()).isEqualTo("{\"filename\":\"\",\"size\":1}");
    TestResponse textLast = post("/scalars", file("s", "a.txt", "x"), text("s", "t"));
    assertThat(textLast.status()).as(textLast.text()).isEqualTo(200);
    assertThat(textLast.json().get("s").asText()).isEqualTo("t");
  }

  /** Was 200 with the file dropped: every part is a value, its error at its index. */
  @Test
  void aFileAmongAListFieldsValuesIsReportedAtItsIndex() {
    TestResponse r = post("/list", text("a", "t"), file("a", "a.txt", "x"));
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.json().toString()).isEqualTo("{\"detail\":["
        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"a\",1],\"msg\":\"Input should be a valid string\","
        + "\"input\":{\"filename\":\"a.txt\",\"size\":1}}]}");
  }

  /** FastAPI reports a text part at its own index (was: after every file's). */
  @Test
  void aTextAmongUploadsIsReportedAtItsIndex() {
    TestResponse r = post("/files", text("files", "t"), file("files", "a.txt", "x"));
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.json().toString()).isEqualTo("{\"detail\":["
        + "{\"type\":\"value_error\",\"loc\":[\"body\",\"files\",0],"
        + "\"msg\":\"Value error, Expected UploadFile, received: <class 'str'>\",\"input\":\"t\",\"ctx\":{\"error\":{}}}]}");
  }

  /** An UploadFile takes the last part of its name: a text before the file does not refuse it (was 422). */
  @Test
  void anUploadTakesTheLastPartOfItsName() {
    TestResponse r = post("/file", text("file", "t"), file("file", "a.txt", "x"));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().get("filename").asText()).isEqualTo("a.txt");
    TestResponse textLast = post("/file", file("file", "a.txt", "x"), text("file", "t"));
    assertThat(textLast.status()).as(textLast.text()).isEqualTo(422);
    assertThat(textLast.json().at("/detail/0/loc").toString()).isEqualTo("[\"body\",\"file\"]");
  }

  /** A missing field's input is the whole form as read, its file parts too, as FastAPI shows it (was: text only). */
  @Test
  void aFormRecordsInputHoldsItsFileParts() {
    TestResponse r = post("/login", text("age", "3"), file("extra", "b.txt", "x"));
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.json().toString()).isEqualTo("{\"detail\":["
        + "{\"type\":\"missing\",\"loc\":[\"body\",\"username\"],\"msg\":\"Field required\","
        + "\"input\":{\"age\":\"3\",\"extra\":{\"filename\":\"b.txt\",\"size\":1}}}]}");
    TestResponse fileForAField = post("/login", file("username", "a.txt", "x"), text("age", "3"));
    assertThat(fileForAField.json().toString()).isEqualTo("{\"detail\":["
        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"username\"],\"msg\":\"Input should be a valid string\","
        + "\"input\":{\"filename\":\"a.txt\",\"size\":1}}]}");
  }

  /**
   * An empty text where one file is expected counts as absent, as FastAPI reads any empty form
   * value (File is a Form): an urlencoded form with an unselected file input sends {@code file=}.
   * Was a 422 value_error for both; an Optional is then empty, a required file missing.
   */
  @Test
  void anEmptyTextWhereOneFileIsExpectedIsAbsent() {
    TestResponse urlencoded = client.post("/optional", "file=", "application/x-www-form-urlencoded");
    assertThat(urlencoded.status()).as(urlencoded.text()).isEqualTo(200);
    assertThat(urlencoded.json().get("filename").asText()).isEqualTo("none");
    TestResponse fileThenEmpty = post("/optional", file("file", "a.txt", "x"), text("file", ""));
    assertThat(fileThenEmpty.status()).as(fileThenEmpty.text()).isEqualTo(200);
    assertThat(fileThenEmpty.json().get("filename").asText()).isEqualTo("none");
    TestResponse required = post("/file", text("file", ""));
    assertThat(required.json().toString()).isEqualTo(
        "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"file\"],\"msg\":\"Field required\",\"input\":null}]}");
    TestResponse inAList = post("/files", text("files", ""));
    assertThat(inAList.json().at("/detail/0/loc").toString()).isEqualTo("[\"body\",\"files\",0]");
    assertThat(inAList.json().at("/detail/0/type").asText()).isEqualTo("value_error");
  }
}

package dev.lanes.forms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Request;
import dev.lanes.http.Response;
import dev.lanes.routing.BlockingHandler;
import dev.lanes.routing.RouteOptions;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request's form is parsed once, as Starlette's {@code request.form()} caches it: code that
 * reads it again (a helper checking a CSRF field, then the handler) gets the same form. A
 * streamed body can be read only once: the second read found it used up and made an empty form
 * of it, or a 400, and a body read whole was parsed, and its files spooled, twice.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FormReadTwiceTest {
  private static final String B = "XyZ";
  private static final String MULTIPART = "multipart/form-data; boundary=" + B;
  private static final String BODY = "--" + B + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n"
      + "--" + B + "\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n\r\nfile body\r\n--" + B + "--\r\n";
  private static TestClient client;

  @BeforeAll
  static void start() {
    RouteOptions streamed = RouteOptions.defaults().streamedBody(1 << 20);
    App app = App.builder()
        .route("POST", "/streamed", streamed, (BlockingHandler) FormReadTwiceTest::readTwice)
        .route("POST", "/whole", RouteOptions.defaults(), (BlockingHandler) FormReadTwiceTest::readTwice)
        .route("POST", "/limits", streamed, (BlockingHandler) req -> {
          Form first = Form.read(req, new FormLimits(1, 100, 10));
          return readTwice(req).withHeader("x-first", first == Form.read(req) ? "same" : "other");
        })
        .build();
    client = TestClient.start(app);
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  private static Response readTwice(Request req) throws Exception {
    Form first = Form.read(req);
    Form second = Form.read(req);
    Form async = Form.readAsync(req).get();
    StringBuilder sb = new StringBuilder(first == second && second == async ? "same " : "other ");
    for (String n : second.fields().names()) {
      sb.append('[').append(n).append('=').append(second.fields().all(n)).append(']');
    }
    for (UploadFile u : second.files()) {
      sb.append('{').append(u.fieldName()).append('|').append(new String(u.bytes())).append('}');
    }
    return Response.text(sb.toString());
  }

  @Test
  void aStreamedUrlencodedFormReadTwiceIsTheSameForm() {
    TestResponse r = client.post("/streamed", "a=1&b=2", "application/x-www-form-urlencoded");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("same [a=[1]][b=[2]]");
  }

  @Test
  void aStreamedMultipartFormReadTwiceIsTheSameForm() {
    TestResponse r = client.post("/streamed", BODY, MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("same [title=[hello]]{doc|file body}");
  }

  @Test
  void aWholeFormReadTwiceIsParsedOnce() {
    TestResponse r = client.post("/whole", BODY, MULTIPART);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("same [title=[hello]]{doc|file body}");
  }

  /** The first read's limits hold: a later read with others gets the same form (or error). */
  @Test
  void theFirstReadsLimitsDecide() {
    TestResponse fits = client.post("/limits", "a=1", "application/x-www-form-urlencoded");
    assertThat(fits.status()).as(fits.text()).isEqualTo(200);
    assertThat(fits.header("x-first")).hasValue("same");
    assertThat(fits.text()).isEqualTo("same [a=[1]]");
    TestResponse tooMany = client.post("/limits", "a=1&b=2", "application/x-www-form-urlencoded");
    assertThat(tooMany.status()).as(tooMany.text()).isEqualTo(413);
  }
}

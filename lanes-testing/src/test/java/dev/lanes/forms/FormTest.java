package dev.lanes.forms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.App;
import dev.lanes.http.Response;
import dev.lanes.testing.Await;
import dev.lanes.testing.TestClient;
import dev.lanes.testing.TestResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class FormTest {
  private static final String BOUNDARY = "----lanes-test-boundary";

  private static byte[] multipart(Map<String, String> fields, Map<String, byte[]> files) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    fields.forEach((k, v) -> out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + k
        + "\"\r\n\r\n" + v + "\r\n").getBytes(StandardCharsets.UTF_8)));
    files.forEach((k, v) -> {
      out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + k + "\"; filename=\"" + k
          + ".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.writeBytes(v);
      out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    });
    out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  @Test
  void multipartFieldsAndFilesWithLargeOnesSpooledAndRemovedAfterTheRequest() throws Exception {
    List<Path> spooled = new CopyOnWriteArrayList<>();
    App app = App.builder()
        .post("/up", req -> {
          Form form = Form.read(req);
          List<String> out = new ArrayList<>();
          for (UploadFile f : form.files()) {
            f.path().ifPresent(spooled::add);
            out.add(f.fieldName() + ":" + f.size() + ":" + f.onDisk() + ":" + java.util.Arrays.hashCode(f.bytes()));
          }
          return Response.json(Map.of("title", form.fields().get("title"), "files", out));
        })
        .build();
    byte[] small = "tiny".getBytes(StandardCharsets.UTF_8);
    byte[] large = new byte[3 * 1024 * 1024];
    new java.util.Random(1).nextBytes(large);
    try (TestClient c = TestClient.start(app)) {
      TestResponse r = c.post("/up", multipart(Map.of("title", "héllo"), new java.util.LinkedHashMap<>(
          Map.of("small", small, "large", large))), "multipart/form-data; boundary=" + BOUNDARY);
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.json().get("title").asText()).isEqualTo("héllo");
      assertThat(r.json().get("files").toString())
          .contains("small:4:false:" + java.util.Arrays.hashCode(small))
          .contains("large:" + large.length + ":true:" + java.util.Arrays.hashCode(large));
      assertThat(spooled).hasSize(1);
      Await.until(() -> !Files.exists(spooled.get(0)), "temporary file removed");
    }
  }

  @Test
  void urlencodedForm() {
    App app = App.builder()
        .post("/f", req -> Response.text(Form.read(req).fields().all("a") + " " + Form.read(req).fields().get("b")))
        .build();
    try (TestClient c = TestClient.start(app)) {
      assertThat(c.post("/f", "a=1&a=2&b=x%20y", "application/x-www-form-urlencoded").text()).isEqualTo("[1, 2] x y");
    }
  }

  @Test
  void limitsGive413AndWrongTypeGives415() {
    App app = App.builder()
        .post("/f", req -> Response.text("parts=" + Form.read(req, new FormLimits(3, 1024, 512)).files().size()))
        .build();
    try (TestClient c = TestClient.start(app)) {
      String type = "multipart/form-data; boundary=" + BOUNDARY;
      assertThat(c.post("/f", multipart(Map.of(), Map.of("a", new byte[10])), type).text()).isEqualTo("parts=1");
      TestResponse tooBig = c.post("/f", multipart(Map.of(), Map.of("a", new byte[4096])), type);
      assertThat(tooBig.status()).as(tooBig.text()).isEqualTo(413);
      TestResponse tooMany = c.post("/f", multipart(Map.of("a", "1", "b", "2", "c", "3", "d", "4"), Map.of()), type);
      assertThat(tooMany.status()).as(tooMany.text()).isEqualTo(413);
      assertThat(c.post("/f", "{}", "application/json").status()).isEqualTo(415);
    }
  }
}

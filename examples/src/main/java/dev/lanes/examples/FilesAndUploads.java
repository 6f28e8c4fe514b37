package dev.lanes.examples;

import dev.lanes.App;
import dev.lanes.files.StaticFiles;
import dev.lanes.forms.Form;
import dev.lanes.forms.UploadFile;
import dev.lanes.http.Response;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Files out and files in, with their blocking I/O in lane {@code files} (see
 * {@code docs/responses.md}, "Files" and "Forms and uploads").
 *
 * <ul>
 *   <li>{@code GET /static/...}: a directory's files, with ranges and validators;
 *       {@code /static/} serves its {@code index.html} (only when a directory is given)</li>
 *   <li>{@code POST /upload}: a multipart form; answers each part's name, filename, size and
 *       SHA-256 as {@code {"parts":[...]}}, files first, then fields</li>
 * </ul>
 */
final class FilesAndUploads {
  private FilesAndUploads() {}

  /** Adds the routes; {@code /static} only if {@code staticDir} is present. */
  static App.Builder addTo(App.Builder app, Optional<Path> staticDir) {
    staticDir.ifPresent(dir -> StaticFiles.mount(app, "/static", dir, Optional.of("index.html")));
    return app.post("/upload", req -> {
      Form form = Form.read(req);
      List<Map<String, Object>> parts = new ArrayList<>();
      for (UploadFile f : form.files()) {
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("name", f.fieldName());
        part.put("filename", f.filename());
        part.put("size", f.size());
        part.put("sha256", sha256(f));
        parts.add(part);
      }
      for (String name : form.fields().names()) {
        for (String text : form.fields().all(name)) { // a field sent twice is two parts
          byte[] value = text.getBytes(StandardCharsets.UTF_8);
          parts.add(Map.of("name", name, "size", value.length,
              "sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value))));
        }
      }
      return Response.json(Map.of("parts", parts));
    });
  }

  private static String sha256(UploadFile f) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = f.open()) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}

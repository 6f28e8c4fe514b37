package dev.lanes.forms;

import dev.lanes.http.HttpException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;

/**
 * A form's {@code _charset_} field: a hidden input a browser fills with the encoding it sent the
 * form in (HTML's form submission; RFC 7578 4.6), so the text fields without a charset of their
 * own are decoded in it, wherever in the form it comes. An empty one (a script that copied the
 * hidden input unfilled) names nothing.
 */
final class CharsetField {
  /** The field's name. */
  static final String NAME = "_charset_";

  private CharsetField() { }

  /** The charset the field's {@code value} names, {@code otherwise} if it is empty; 400 for one unknown. */
  static Charset charset(byte[] value, Charset otherwise) {
    String name = new String(value, StandardCharsets.ISO_8859_1).strip();
    if (name.isEmpty()) {
      return otherwise;
    }
    try {
      return Charset.forName(name);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw new HttpException(400, "malformed form: the _charset_ field names an unknown charset");
    }
  }
}

package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a handler or provider parameter from an {@code application/x-www-form-urlencoded} or
 * {@code multipart/form-data} body (FastAPI's {@code Form()} and {@code File()}): a scalar takes
 * the field's last value, a {@code List} every value, and an empty value counts as absent, as in
 * FastAPI. A parameter of type {@link dev.lanes.forms.UploadFile} ({@code List<UploadFile>},
 * {@code Optional<UploadFile>}) takes the uploaded file parts of that name, with or without
 * this annotation. Errors are located at {@code ["body", name]}.
 *
 * <pre>{@code @Post("/login") Token login(@FormField @Size(min = 3) String username, @FormField UploadFile avatar)}</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface FormField {
  /** The field's name in the form; empty: the parameter's own name (compile with {@code -parameters}). */
  String value() default "";
}

package dev.lanes.typed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a handler parameter from the JSON request body: a record (nested records, lists,
 * enums, {@code Optional} components), a list, or a scalar. At most one per handler. Errors are
 * located at {@code ["body", field, ...]}.
 *
 * <pre>{@code @Post(value = "/items", status = 201) Item create(@Body ItemIn item) }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Body {}

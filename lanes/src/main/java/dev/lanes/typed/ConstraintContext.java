package dev.lanes.typed;

import jakarta.validation.ClockProvider;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.ValidationException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link ConstraintValidatorContext} one call of a custom validator gets: it may replace the
 * constraint's message with its own ({@code disableDefaultConstraintViolation()}, then
 * {@code buildConstraintViolationWithTemplate(...).addConstraintViolation()}, once or more) and
 * read the builder's clock. Its violations are reported at the value checked: node paths
 * ({@code addPropertyNode}, ...) are not supported and say so.
 */
final class ConstraintContext implements ConstraintValidatorContext {
  private final String defaultTemplate;
  private final Clock clock;
  private boolean defaultDisabled;
  private List<String> added; // the templates the validator built, in order; null: none

  ConstraintContext(String defaultTemplate, Clock clock) {
    this.defaultTemplate = defaultTemplate;
    this.clock = clock;
  }

  /**
   * The templates of this call's violations: the constraint's own unless disabled, then those the
   * validator added. Disabling it and adding none is the validator's bug, as the spec says.
   */
  List<String> templates() {
    List<String> out = new ArrayList<>(2);
    if (!defaultDisabled) {
      out.add(defaultTemplate);
    }
    if (added != null) {
      out.addAll(added);
    }
    if (out.isEmpty()) {
      throw new ValidationException("a validator that disables the default violation must add one of its own"
          + " (buildConstraintViolationWithTemplate(...).addConstraintViolation())");
    }
    return out;
  }

  @Override
  public void disableDefaultConstraintViolation() {
    defaultDisabled = true;
  }

  @Override
  public String getDefaultConstraintMessageTemplate() {
    return defaultTemplate;
  }

  @Override
  public ClockProvider getClockProvider() {
    return () -> clock;
  }

  @Override
  public ConstraintViolationBuilder buildConstraintViolationWithTemplate(String messageTemplate) {
    return new Builder(messageTemplate);
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new ValidationException("the typed layer's ConstraintValidatorContext cannot be unwrapped to "
        + type.getName());
  }

  /** One violation being built: only {@link #addConstraintViolation()} is supported. */
  private final class Builder implements ConstraintViolationBuilder {
    private final String template;

    Builder(String template) {
      this.template = template;
    }

    @Override
    public ConstraintValidatorContext addConstraintViolation() {
      if (added == null) {
        added = new ArrayList<>(1);
      }
      added.add(template);
      return ConstraintContext.this;
    }

    private static UnsupportedOperationException noNodes(String method) {
      return new UnsupportedOperationException(method + " is not supported by the typed layer: a custom"
          + " constraint's violation is reported at the value it checks (pydantic's loc of a validator)");
    }

    @Override
    @SuppressWarnings("deprecation")
    public NodeBuilderDefinedContext addNode(String name) {
      throw noNodes("addNode");
    }

    @Override
    public NodeBuilderCustomizableContext addPropertyNode(String name) {
      throw noNodes("addPropertyNode");
    }

    @Override
    public LeafNodeBuilderCustomizableContext addBeanNode() {
      throw noNodes("addBeanNode");
    }

    @Override
    public ContainerElementNodeBuilderCustomizableContext addContainerElementNode(String name, Class<?> containerType,
        Integer typeArgumentIndex) {
      throw noNodes("addContainerElementNode");
    }

    @Override
    public NodeBuilderDefinedContext addParameterNode(int index) {
      throw noNodes("addParameterNode");
    }
  }
}

package dev.lanes.internal.logging;

import io.netty.util.internal.logging.AbstractInternalLogger;
import io.netty.util.internal.logging.FormattingTuple;
import io.netty.util.internal.logging.MessageFormatter;

/**
 * One Netty logger writing to a {@link System.Logger} of the same name. Netty's DEBUG is its
 * chatter (allocator and platform probes, dozens of lines at startup), so DEBUG and TRACE both
 * become {@code TRACE}; INFO, WARN and ERROR stay themselves. Netty's {@code {}} placeholders are filled
 * here, so the message handed on is final text, and a trailing throwable that no placeholder
 * used is passed on as the record's throwable, as SLF4J does.
 */
final class NettySystemLogger extends AbstractInternalLogger {
  private static final System.Logger.Level CHATTER = System.Logger.Level.TRACE;

  private final transient System.Logger target;

  NettySystemLogger(System.Logger target) {
    super(target.getName());
    this.target = target;
  }

  @Override
  public boolean isTraceEnabled() {
    return target.isLoggable(CHATTER);
  }

  @Override
  public void trace(String msg) {
    emit(CHATTER, msg);
  }

  @Override
  public void trace(String format, Object arg) {
    emit(CHATTER, format, arg);
  }

  @Override
  public void trace(String format, Object argA, Object argB) {
    emit(CHATTER, format, argA, argB);
  }

  @Override
  public void trace(String format, Object... arguments) {
    emit(CHATTER, format, arguments);
  }

  @Override
  public void trace(String msg, Throwable t) {
    emit(CHATTER, msg, t);
  }

  @Override
  public boolean isDebugEnabled() {
    return target.isLoggable(CHATTER);
  }

  @Override
  public void debug(String msg) {
    emit(CHATTER, msg);
  }

  @Override
  public void debug(String format, Object arg) {
    emit(CHATTER, format, arg);
  }

  @Override
  public void debug(String format, Object argA, Object argB) {
    emit(CHATTER, format, argA, argB);
  }

  @Override
  public void debug(String format, Object... arguments) {
    emit(CHATTER, format, arguments);
  }

  @Override
  public void debug(String msg, Throwable t) {
    emit(CHATTER, msg, t);
  }

  @Override
  public boolean isInfoEnabled() {
    return target.isLoggable(System.Logger.Level.INFO);
  }

  @Override
  public void info(String msg) {
    emit(System.Logger.Level.INFO, msg);
  }

  @Override
  public void info(String format, Object arg) {
    emit(System.Logger.Level.INFO, format, arg);
  }

  @Override
  public void info(String format, Object argA, Object argB) {
    emit(System.Logger.Level.INFO, format, argA, argB);
  }

  @Override
  public void info(String format, Object... arguments) {
    emit(System.Logger.Level.INFO, format, arguments);
  }

  @Override
  public void info(String msg, Throwable t) {
    emit(System.Logger.Level.INFO, msg, t);
  }

  @Override
  public boolean isWarnEnabled() {
    return target.isLoggable(System.Logger.Level.WARNING);
  }

  @Override
  public void warn(String msg) {
    emit(System.Logger.Level.WARNING, msg);
  }

  @Override
  public void warn(String format, Object arg) {
    emit(System.Logger.Level.WARNING, format, arg);
  }

  @Override
  public void warn(String format, Object argA, Object argB) {
    emit(System.Logger.Level.WARNING, format, argA, argB);
  }

  @Override
  public void warn(String format, Object... arguments) {
    emit(System.Logger.Level.WARNING, format, arguments);
  }

  @Override
  public void warn(String msg, Throwable t) {
    emit(System.Logger.Level.WARNING, msg, t);
  }

  @Override
  public boolean isErrorEnabled() {
    return target.isLoggable(System.Logger.Level.ERROR);
  }

  @Override
  public void error(String msg) {
    emit(System.Logger.Level.ERROR, msg);
  }

  @Override
  public void error(String format, Object arg) {
    emit(System.Logger.Level.ERROR, format, arg);
  }

  @Override
  public void error(String format, Object argA, Object argB) {
    emit(System.Logger.Level.ERROR, format, argA, argB);
  }

  @Override
  public void error(String format, Object... arguments) {
    emit(System.Logger.Level.ERROR, format, arguments);
  }

  @Override
  public void error(String msg, Throwable t) {
    emit(System.Logger.Level.ERROR, msg, t);
  }

  // The String overloads without parameters hand the text on as it is: no MessageFormat pass in
  // the JDK's backends or in SLF4J's bridge, so Netty's quotes and braces survive.
  private void emit(System.Logger.Level level, String msg) {
    target.log(level, msg);
  }

  private void emit(System.Logger.Level level, String msg, Throwable t) {
    target.log(level, msg, t);
  }

  private void emit(System.Logger.Level level, String format, Object... arguments) {
    if (target.isLoggable(level)) {
      FormattingTuple m = MessageFormatter.arrayFormat(format, arguments);
      if (m.getThrowable() == null) {
        target.log(level, m.getMessage());
      } else {
        target.log(level, m.getMessage(), m.getThrowable());
      }
    }
  }
}

package io.ualwatch.connector.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log event of a logger (and its children) at DEBUG and above while open, through a log4j2
 * appender on the root logger (the tests' binding); the level is put back on close.
 */
public final class LogCapture implements AutoCloseable {
  private static final AtomicInteger SEQ = new AtomicInteger();

  /** One captured event: level, logger name, formatted message (with the throwable's text, if any). */
  public record Line(String level, String logger, String message) {
    @Override
    public String toString() {
      return level + " " + logger + " - " + message;
    }
  }

  private final String loggerName;
  private final Level previous;
  private final AbstractAppender appender;
  private final List<Line> lines = new CopyOnWriteArrayList<>();

  public LogCapture(String loggerName) {
    this.loggerName = loggerName;
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    this.previous = ctx.getConfiguration().getLoggerConfig(loggerName).getLevel();
    this.appender = new AbstractAppender("capture-" + SEQ.incrementAndGet(), null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent e) {
        if (!e.getLoggerName().startsWith(loggerName)) return;
        String msg = e.getMessage().getFormattedMessage();
        if (e.getThrown() != null) msg += " | " + e.getThrown();
        lines.add(new Line(e.getLevel().name(), e.getLoggerName(), msg));
      }
    };
    appender.start();
    ctx.getConfiguration().addAppender(appender);
    ctx.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
    ctx.updateLoggers();
    Configurator.setLevel(loggerName, Level.DEBUG);
  }

  public List<Line> lines() {
    return List.copyOf(lines);
  }

  /** Lines at {@code level} whose message contains {@code text}. */
  public List<Line> lines(String level, String text) {
    return lines.stream().filter(l -> l.level().equals(level) && l.message().contains(text)).toList();
  }

  /** Everything captured, one line per event. */
  public String text() {
    StringBuilder sb = new StringBuilder();
    for (Line l : lines) sb.append(l).append('\n');
    return sb.toString();
  }

  public void clear() {
    lines.clear();
  }

  @Override
  public void close() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    ctx.getConfiguration().getRootLogger().removeAppender(appender.getName());
    appender.stop();
    Configurator.setLevel(loggerName, previous);
  }
}

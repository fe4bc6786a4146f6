package io.ualwatch.config;

/** A configuration problem, worded so the user knows which key to fix and how. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}

package io.ualwatch.connector.common;

import org.apache.kafka.connect.errors.ConnectException;

/** An API answer the task cannot get past; the message says what to fix. Never carries credentials. */
public class ApiException extends ConnectException {
  private final int status;
  private final String code;

  public ApiException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  /** The API's error code (e.g. AF20022, AADSTS7000215), or empty. */
  public String code() {
    return code;
  }
}

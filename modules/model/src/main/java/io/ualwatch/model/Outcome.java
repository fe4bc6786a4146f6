package io.ualwatch.model;

/** Outcome of the audited action, derived rather than copied (STS logons say "Success" for failed logons). */
public enum Outcome {
  SUCCESS, FAILURE, UNKNOWN
}

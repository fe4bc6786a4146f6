package io.ualwatch.testkit.sim;

/** Client app ids the simulator uses (real Microsoft first-party ids, and made-up third-party ones). */
public final class Apps {
  private Apps() {}

  public static final String OUTLOOK_DESKTOP = "5d661950-3475-41cd-a2c3-d671a3162bc1";   // Microsoft Outlook
  public static final String OWA = "9199bf20-a13f-4107-85dc-02114787ef48";               // Outlook Web App Office 365
  public static final String OUTLOOK_MOBILE = "27922004-5251-4030-b22d-91ecd9a37ea4";    // Outlook Mobile
  public static final String GRAPH_API = "00000003-0000-0000-c000-000000000000";         // Microsoft Graph (executing API)
  public static final String EXCHANGE_RESOURCE = "00000002-0000-0ff1-ce00-000000000000";

  /** A third-party app nobody in the simulated tenant uses: the Storm-0558-style reader. */
  public static final String UNKNOWN_READER = "5a95c0de-7f3b-4c1e-9d2a-6b8e1f0c4a77";
  public static final String UNKNOWN_READER_NAME = "Mail Sync Pro";

  /** A third-party app a user is phished into consenting to (consent-then-mail-access). */
  public static final String CONSENTED_APP = "7d1e9a3f-2b88-4c10-9f55-c0aa41e2b6d1";
  public static final String CONSENTED_APP_NAME = "QuarterlyReports Connector";
  /** A third-party CRM integration with application permission to read mail (app-only). */
  public static final String CRM_CONNECTOR = "c7a3e2d1-58b4-4f0e-9a61-2d8f3b7c9e15";
  public static final String CRM_CONNECTOR_NAME = "Contoso CRM Connector";
  /** A third-party backup service that reads every mailbox each night (app-only). */
  public static final String BACKUP_SERVICE = "b4c2d9e0-7a13-4c6b-8f25-91e0a3d4c6b8";
  public static final String BACKUP_SERVICE_NAME = "Contoso Cloud Backup";
}

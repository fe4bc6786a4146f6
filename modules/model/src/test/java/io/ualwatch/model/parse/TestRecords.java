package io.ualwatch.model.parse;

import java.util.Random;

/** Constructed records (fake values) for generated inputs. */
final class TestRecords {
  private TestRecords() {}

  static final String TENANT = "0c0ffee0-0000-4000-8000-0000000000aa";

  /** A MailItemsAccessed record of about 1.5 KB, as the Management Activity API writes it. */
  static String mailItemsAccessed(long n) {
    String id = String.format("6f1e0c2a-0000-4000-8000-%012d", n);
    return "{\"CreationTime\":\"2025-03-04T09:" + two(n / 60 % 60) + ":" + two(n % 60) + "\",\"Id\":\"" + id + "\","
        + "\"Operation\":\"MailItemsAccessed\",\"OrganizationId\":\"" + TENANT + "\",\"RecordType\":50,"
        + "\"ResultStatus\":\"Succeeded\",\"UserKey\":\"10030000AAAA0001\",\"UserType\":0,\"Version\":1,"
        + "\"Workload\":\"Exchange\",\"UserId\":\"user" + (n % 97) + "@contoso.example\","
        + "\"AppId\":\"00000003-0000-0000-c000-000000000000\",\"ClientAppId\":\"aaaaaaaa-1111-4222-8333-444444444444\","
        + "\"ClientIPAddress\":\"203.0.113." + (n % 250) + "\",\"ClientInfoString\":\"Client=REST;Client=RESTSystem;;\","
        + "\"ExternalAccess\":false,\"LogonType\":0,\"InternalLogonType\":0,"
        + "\"LogonUserSid\":\"S-1-5-21-1111111111-2222222222-3333333333-1001\","
        + "\"MailboxGuid\":\"bbbbbbbb-0000-4000-8000-000000000001\","
        + "\"MailboxOwnerSid\":\"S-1-5-21-1111111111-2222222222-3333333333-1001\","
        + "\"MailboxOwnerUPN\":\"user" + (n % 97) + "@contoso.example\",\"OrganizationName\":\"contoso.example\","
        + "\"OriginatingServer\":\"EXAMPLEPR01MB0001 (15.20.0000.000)\\r\\n\","
        + "\"SessionId\":\"cccccccc-0000-4000-8000-000000000001\",\"TokenObjectId\":\"dddddddd-0000-4000-8000-000000000001\","
        + "\"TokenTenantId\":\"" + TENANT + "\","
        + "\"OperationProperties\":[{\"Name\":\"MailAccessType\",\"Value\":\"Bind\"},{\"Name\":\"IsThrottled\",\"Value\":\"False\"}],"
        + "\"OperationCount\":3,\"Folders\":[{\"Id\":\"LgAAAAFAKEFOLDERID0001\",\"Path\":\"\\\\Inbox\",\"FolderItems\":["
        + "{\"InternetMessageId\":\"<fake-" + n + "-1@contoso.example>\",\"SizeInBytes\":18234},"
        + "{\"InternetMessageId\":\"<fake-" + n + "-2@contoso.example>\",\"SizeInBytes\":40210},"
        + "{\"InternetMessageId\":\"<fake-" + n + "-3@contoso.example>\",\"SizeInBytes\":7719}]}],"
        + "\"AppAccessContext\":{\"AADSessionId\":\"eeeeeeee-0000-4000-8000-000000000001\","
        + "\"APIId\":\"00000003-0000-0000-c000-000000000000\",\"ClientAppId\":\"aaaaaaaa-1111-4222-8333-444444444444\","
        + "\"ClientAppName\":\"Example Mail Reader\",\"CorrelationId\":\"ffffffff-0000-4000-8000-000000000001\","
        + "\"IssuedAtTime\":\"2025-03-04T08:51:19\",\"UniqueTokenId\":\"ZmFrZS10b2tlbi0wMDAx\"}}";
  }

  /** A sign-in as the Graph signIn resource. */
  static String signIn(long n) {
    return "{\"id\":\"" + String.format("5a5a5a5a-0000-4000-8000-%012d", n) + "\",\"createdDateTime\":\"2025-03-04T08:51:19Z\","
        + "\"userPrincipalName\":\"user" + (n % 97) + "@contoso.example\",\"appId\":\"aaaaaaaa-1111-4222-8333-444444444444\","
        + "\"ipAddress\":\"198.51.100." + (n % 250) + "\",\"sessionId\":\"eeeeeeee-0000-4000-8000-000000000001\","
        + "\"status\":{\"errorCode\":0},\"isInteractive\":true}";
  }

  /** A CSV cell: the value quoted with doubled inner quotes. */
  static String csvQuote(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  private static String two(long v) {
    return v < 10 ? "0" + v : String.valueOf(v);
  }

  /** Garbage record units of several kinds, one per call, each a single line without a newline. */
  static String garbageJsonLine(Random rnd) {
    return switch (rnd.nextInt(6)) {
      case 0 -> "not json at all";
      case 1 -> "{\"foo\": 1}";
      case 2 -> "{\"CreationTime\": \"yesterday\", \"Operation\": \"X\"}";
      case 3 -> "{\"CreationTime\": \"2025-03-04T09:00:00\", \"Operation\": ";
      case 4 -> "[".repeat(70) + "]".repeat(70);
      default -> "\"just a string\"";
    };
  }
}

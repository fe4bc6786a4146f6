package io.ualwatch.model.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Nothing is silently dropped: for generated inputs whose composition is known by construction, records in =
 * events + rejections, and the rejections are exactly the garbage units, for every container format.
 */
class RecordCountTest {
  private static final int GOOD = 400;

  @Test
  void ndjson() {
    Random rnd = new Random(7);
    StringBuilder sb = new StringBuilder();
    int garbage = 0;
    for (int i = 0; i < GOOD; i++) {
      sb.append(TestRecords.mailItemsAccessed(i)).append(i % 3 == 0 ? "\r\n" : "\n");
      if (rnd.nextInt(5) == 0) {
        sb.append(TestRecords.garbageJsonLine(rnd)).append('\n');
        garbage++;
      }
      if (rnd.nextInt(20) == 0) sb.append("\n\n   \n"); // blank lines are not records
    }
    Collected c = Collected.read(sb.toString());
    assertEquals(InputFormat.NDJSON, c.format);
    assertEquals(GOOD + garbage, c.total(), () -> c.rejections.toString());
    assertEquals(garbage, c.rejections.size(), () -> c.rejections.toString());
  }

  @Test
  void jsonArrayWithGarbageElements() {
    Random rnd = new Random(11);
    StringBuilder sb = new StringBuilder("[");
    int garbage = 0;
    for (int i = 0; i < GOOD; i++) {
      if (i > 0) sb.append(",\n");
      sb.append(TestRecords.mailItemsAccessed(i));
      if (rnd.nextInt(5) == 0) {
        sb.append(",\n").append(switch (rnd.nextInt(3)) {
          case 0 -> "{\"foo\":1}";
          case 1 -> "42";
          default -> "{\"CreationTime\":\"x\",\"Operation\":\"y\"}";
        });
        garbage++;
      }
    }
    sb.append("]");
    Collected c = Collected.read(sb.toString());
    assertEquals(InputFormat.JSON_ARRAY, c.format);
    assertEquals(GOOD + garbage, c.total());
    assertEquals(garbage, c.rejections.size());
  }

  @Test
  void envelopesAndPages() {
    Random rnd = new Random(13);
    StringBuilder sb = new StringBuilder("{\"records\":[");
    int garbage = 0;
    for (int i = 0; i < GOOD; i++) {
      if (i > 0) sb.append(',');
      sb.append("{\"time\":\"2025-03-04T08:51:19Z\",\"category\":\"SignInLogs\",\"tenantId\":\"t\",\"properties\":")
          .append(TestRecords.signIn(i)).append('}');
      if (rnd.nextInt(6) == 0) {
        sb.append(",{\"category\":\"AuditLogs\",\"properties\":{\"id\":\"x\"}}");
        garbage++;
      }
    }
    sb.append("]}\n");
    // a second document in the same stream: a Graph page
    sb.append("{\"value\":[");
    for (int i = 0; i < GOOD; i++) {
      if (i > 0) sb.append(',');
      sb.append(TestRecords.signIn(1000 + i));
    }
    sb.append(",{\"id\":\"no-time\",\"userPrincipalName\":\"a@b\",\"createdDateTime\":\"soon\"}]}");
    garbage++;
    Collected c = Collected.read(sb.toString());
    assertEquals(2 * GOOD + garbage, c.total());
    assertEquals(garbage, c.rejections.size());
  }

  @Test
  void purviewCsv() {
    Random rnd = new Random(17);
    StringBuilder sb = new StringBuilder("\uFEFFRecordId,CreationDate,RecordType,Operation,UserId,AuditData,"
        + "AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n");
    int garbage = 0;
    for (int i = 0; i < GOOD; i++) {
      sb.append("id-").append(i).append(",3/4/2025 9:14:07 AM,50,MailItemsAccessed,u@contoso.example,")
          .append(TestRecords.csvQuote(TestRecords.mailItemsAccessed(i))).append(",,\r\n");
      if (rnd.nextInt(5) == 0) {
        sb.append(switch (rnd.nextInt(3)) {
          case 0 -> "id-x,3/4/2025,50,MailItemsAccessed,u,,,\r\n";
          case 1 -> "id-y,3/4/2025,50\r\n";
          default -> "id-z,3/4/2025,50,Op,u,\"{\"\"broken\"\": \",,\r\n";
        });
        garbage++;
      }
    }
    Collected c = Collected.read(sb.toString());
    assertEquals(InputFormat.PURVIEW_CSV, c.format);
    assertEquals(GOOD + garbage, c.total());
    assertEquals(garbage, c.rejections.size());
  }

  @Test
  void sentinelCsvRowsWithWrongShape() {
    Random rnd = new Random(19);
    StringBuilder sb = new StringBuilder("TenantId,TimeGenerated [UTC],RecordType,Operation,OfficeWorkload,UserId,"
        + "Client_IPAddress,OfficeId,Type\n");
    int garbage = 0;
    for (int i = 0; i < GOOD; i++) {
      sb.append("ws,\"3/4/2025, 9:14:07.000 AM\",ExchangeItemAggregated,MailItemsAccessed,Exchange,u@contoso.example,")
          .append("203.0.113.1,id-").append(i).append(",OfficeActivity\n");
      if (rnd.nextInt(5) == 0) {
        sb.append(rnd.nextBoolean() ? "ws,only,three\n"
            : "ws,\"13/13/2025, 9:14:07 AM\",2,Send,Exchange,u,1.2.3.4,id-bad,OfficeActivity\n");
        garbage++;
      }
    }
    Collected c = Collected.read(sb.toString());
    assertEquals(InputFormat.SENTINEL_OFFICE_CSV, c.format);
    assertEquals(GOOD + garbage, c.total());
    assertEquals(garbage, c.rejections.size());
  }
}

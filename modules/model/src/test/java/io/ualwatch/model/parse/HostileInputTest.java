package io.ualwatch.model.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Hostile input must not hurt: every case ends as rejections (and the good records around it as events). */
class HostileInputTest {
  private static final long MB = 1024 * 1024;

  @Test
  void fiftyMegabyteNdjsonLineIsRejectedAndTheNextLineStillRead() {
    GeneratedStream in = new GeneratedStream()
        .text(TestRecords.mailItemsAccessed(1) + "\n")
        .text("{\"CreationTime\":\"2025-03-04T09:00:00\",\"Operation\":\"x\",\"pad\":\"").run('a', 50 * MB).text("\"}\n")
        .text(TestRecords.mailItemsAccessed(2) + "\n");
    Collected c = Collected.read(ParseLimits.DEFAULT, in, "big.ndjson");
    assertEquals(2, c.events.size());
    assertEquals(1, c.rejections.size());
    Rejection r = c.rejections.get(0);
    assertEquals(RejectReason.TOO_LARGE, r.reason());
    assertEquals("big.ndjson:2", r.origin());
    assertTrue(r.rawTruncated() && r.raw().length() == Rejection.MAX_RAW, "raw text is kept but truncated");
  }

  @Test
  void fiftyMegabyteCsvRowIsRejected() {
    GeneratedStream in = new GeneratedStream()
        .text("RecordId,CreationDate,RecordType,Operation,UserId,AuditData\n")
        .text("a,d,50,Op,u,\"").run('x', 50 * MB).text("\"\n")
        .text("b,d,50,Op,u," + TestRecords.csvQuote(TestRecords.mailItemsAccessed(3)) + "\n");
    Collected c = Collected.read(ParseLimits.DEFAULT, in, "big.csv");
    assertEquals(1, c.events.size());
    assertEquals(RejectReason.TOO_LARGE, c.rejections.get(0).reason());
    assertEquals(1, c.rejections.size());
  }

  @Test
  void deeplyNestedJsonIsRejectedWithoutStackOverflow() {
    GeneratedStream in = new GeneratedStream().run('[', 1_000_000).run(']', 1_000_000).text("\n")
        .text("{\"a\":").run('{', 200_000).text("\n")
        .text(TestRecords.mailItemsAccessed(4) + "\n");
    Collected c = Collected.read(ParseLimits.DEFAULT, in, "deep.json");
    assertEquals(RejectReason.TOO_DEEP, c.rejections.get(0).reason());
    // the unterminated second value swallows the rest of the (non-NDJSON) input: one rejection, no crash
    assertEquals(2, c.rejections.size());
    assertEquals(RejectReason.MALFORMED_JSON, c.rejections.get(1).reason());
  }

  @Test
  void deeplyNestedNdjsonLineCostsOnlyItsLine() {
    StringBuilder sb = new StringBuilder(TestRecords.mailItemsAccessed(5)).append('\n');
    sb.append("{\"a\":").append("[".repeat(100_000)).append('\n');
    sb.append(TestRecords.mailItemsAccessed(6)).append('\n');
    Collected c = Collected.read(sb.toString());
    assertEquals(InputFormat.NDJSON, c.format);
    assertEquals(2, c.events.size());
    assertEquals(1, c.rejections.size());
  }

  @Test
  void invalidUtf8AndNulBytes() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(TestRecords.mailItemsAccessed(7).getBytes(StandardCharsets.UTF_8));
    b.writeBytes("\n\0\0\0\n".getBytes(StandardCharsets.UTF_8));
    b.writeBytes("{\"CreationTime\":\"2025-03-04T09:00:00\",\"Operation\":\"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
    b.write('\n');
    b.writeBytes(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
    b.writeBytes("{\"CreationTime\":\"2025-03-04T09:00:00\",\"Operation\":\"a\0b\"}\n".getBytes(StandardCharsets.UTF_8));
    Collected c = Collected.read(b.toByteArray());
    assertEquals(1, c.events.size());
    assertEquals(2, c.count(RejectReason.INVALID_UTF8));
    assertEquals(1, c.count(RejectReason.MALFORMED_JSON));
  }

  @Test
  void invalidUtf8InSentinelCsvCell() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes("TimeGenerated,Operation,OfficeWorkload,UserId,OfficeId\n".getBytes(StandardCharsets.UTF_8));
    b.writeBytes("2025-03-04T09:00:00Z,Send,Exchange,".getBytes(StandardCharsets.UTF_8));
    b.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE, 'x'});
    b.writeBytes(",id-1\n2025-03-04T09:00:00Z,Send,Exchange,u@contoso.example,id-2\n".getBytes(StandardCharsets.UTF_8));
    Collected c = Collected.read(b.toByteArray());
    assertEquals(InputFormat.SENTINEL_OFFICE_CSV, c.format);
    assertEquals(1, c.events.size());
    assertEquals(RejectReason.INVALID_UTF8, c.rejections.get(0).reason());
  }

  @Test
  void csvUnterminatedQuoteAtEndOfFile() {
    String csv = "RecordId,CreationDate,RecordType,Operation,UserId,AuditData\n"
        + "a,d,50,Op,u," + TestRecords.csvQuote(TestRecords.mailItemsAccessed(8)) + "\n"
        + "b,d,50,Op,u,\"{\"\"CreationTime\"\": \n\nmore\nlines\n";
    Collected c = Collected.read(csv);
    assertEquals(1, c.events.size());
    assertEquals(1, c.rejections.size());
    Rejection r = c.rejections.get(0);
    assertEquals(RejectReason.BAD_CSV_ROW, r.reason());
    assertTrue(r.message().contains("lines 3-7"), r.message());
  }

  @Test
  void hugeRepeatedKeyAndLongNames() {
    StringBuilder sb = new StringBuilder("{\"CreationTime\":\"2025-03-04T09:00:00\",\"Id\":\"r\",");
    sb.append("\"Operation\":\"x\",".repeat(300_000)).append("\"RecordType\":2}\n");
    sb.append("{\"").append("k".repeat(100_000)).append("\":1}\n");
    sb.append("{\"CreationTime\":\"2025-03-04T09:00:00\",\"Operation\":\"").append("v".repeat(5_000_000)).append("\"}\n");
    Collected c = Collected.read(sb.toString());
    assertEquals(1, c.events.size());
    assertEquals(2, c.count(RejectReason.LIMIT_EXCEEDED));
  }

  @Test
  void numbersOutOfRangeAreNotFatal() {
    String s = "{\"CreationTime\":\"2025-03-04T09:00:00\",\"Id\":\"n1\",\"Operation\":\"MailItemsAccessed\","
        + "\"RecordType\":1e309,\"UserType\":-99999999999999999999,\"OperationCount\":1.5e308,\"LogonType\":\"9e99\"}\n"
        + "{\"CreationTime\":\"99999-03-04T09:00:00\",\"Operation\":\"x\",\"RecordType\":1}\n";
    Collected c = Collected.read(s);
    assertEquals(1, c.events.size());
    assertNull(c.events.get(0).recordType);
    assertNull(c.events.get(0).userType);
    assertEquals(1, c.events.get(0).operationCount);
    assertEquals(RejectReason.BAD_TIME, c.rejections.get(0).reason());
  }

  @Test
  void emptyBlankAndBomOnlyInputs() {
    for (String s : new String[] {"", "   \n\r\n\t", "\uFEFF", "\uFEFF\n\n"}) {
      Collected c = Collected.read(s);
      assertEquals(0, c.total(), "no records in " + s.length() + " chars");
      assertEquals(InputFormat.UNKNOWN, c.format);
    }
  }

  @Test
  void corruptGzipAndFailingStreamsBecomeRejections() throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write(("[" + TestRecords.mailItemsAccessed(9) + "," + TestRecords.mailItemsAccessed(10) + "]")
          .getBytes(StandardCharsets.UTF_8));
    }
    byte[] bytes = gz.toByteArray();
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length / 2);
    Collected c = Collected.read(cut);
    assertTrue(c.count(RejectReason.UNREADABLE) == 1 || c.count(RejectReason.MALFORMED_JSON) == 1, c.rejections::toString);

    InputStream failing = new InputStream() {
      int n;
      @Override public int read() throws IOException {
        if (n++ > 5000) throw new IOException("disk on fire");
        return "{\"a\":1}\n".charAt(n % 8);
      }
    };
    Collected f = Collected.read(ParseLimits.DEFAULT, failing, "failing");
    assertEquals(1, f.count(RejectReason.UNREADABLE));
    assertTrue(f.rejections.stream().filter(r -> r.reason() == RejectReason.UNREADABLE)
        .allMatch(r -> r.message().contains("disk on fire")));
  }

  @Test
  void exactlyTheExportCapWarnsOfTruncation() {
    ParseLimits capThree = ParseLimits.DEFAULT.withExportRowCap(3);
    for (int rows = 2; rows <= 4; rows++) {
      StringBuilder sb = new StringBuilder("RecordType,CreationDate,UserIds,Operations,AuditData,ResultIndex,"
          + "ResultCount,Identity,IsValid,ObjectState\n");
      for (int i = 0; i < rows; i++) {
        sb.append("ExchangeItemAggregated,3/4/2025,u,MailItemsAccessed,")
            .append(TestRecords.csvQuote(TestRecords.mailItemsAccessed(i))).append(",1,1,id,True,Unchanged\n");
      }
      Collected c = Collected.read(capThree, new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)),
          "cap.csv");
      assertEquals(rows, c.events.size());
      assertEquals(rows == 3 ? 1 : 0, c.warnings.size(), "rows=" + rows);
      if (rows == 3) assertTrue(c.warnings.get(0).contains("probably truncated"));
    }
    assertEquals(50_000, ParseLimits.DEFAULT.exportRowCap());
  }

  @Test
  void theReaderNeverBuffersBeyondTheRecordLimit() {
    // A 64 KiB record limit over a 20 MB line: the reader must skip it in constant memory; heap growth during the
    // read stays far below the line size.
    ParseLimits small = ParseLimits.DEFAULT.withMaxRecordBytes(64 * 1024);
    GeneratedStream in = new GeneratedStream().text("{\"pad\":\"").run('z', 20 * MB).text("\"}\n")
        .text(TestRecords.mailItemsAccessed(11) + "\n");
    Collected c = Collected.read(small, in, "limit.ndjson");
    assertEquals(1, c.events.size());
    assertEquals(RejectReason.TOO_LARGE, c.rejections.get(0).reason());
    assertTrue(c.rejections.get(0).raw().length() <= 64 * 1024);
    assertEquals(20 * MB + 11 + TestRecords.mailItemsAccessed(11).length() + 1, in.served(), "read to the end");
  }

  @Test
  void newlineSearchAgreesWithAPlainLoop() {
    java.util.Random rnd = new java.util.Random(5);
    for (int n = 0; n < 2000; n++) {
      byte[] b = new byte[rnd.nextInt(40)];
      for (int i = 0; i < b.length; i++) b[i] = (byte) (rnd.nextInt(8) == 0 ? '\n' : rnd.nextInt(256));
      int from = b.length == 0 ? 0 : rnd.nextInt(b.length);
      int want = -1;
      for (int i = from; i < b.length; i++) {
        if (b[i] == '\n') {
          want = i;
          break;
        }
      }
      assertEquals(want, InputReader.indexOfNewline(b, from, b.length));
    }
  }

  @Test
  void fastTimeAndIpPathsAgreeWithTheGeneralOnes() {
    java.util.Random rnd = new java.util.Random(9);
    for (int n = 0; n < 20_000; n++) {
      java.time.LocalDateTime t = java.time.LocalDateTime.of(1990 + rnd.nextInt(60), 1 + rnd.nextInt(12),
          1 + rnd.nextInt(28), rnd.nextInt(24), rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(1000) * 1_000_000);
      int off = (rnd.nextInt(27) - 13) * 3600;
      String text = t + java.time.ZoneOffset.ofTotalSeconds(off).getId().replace("Z", "+00:00");
      assertEquals(t.toInstant(java.time.ZoneOffset.ofTotalSeconds(off)), io.ualwatch.model.util.Times.parse(text),
          text);
      String ip = rnd.nextInt(300) + "." + rnd.nextInt(256) + "." + (rnd.nextBoolean() ? "0" : "") + rnd.nextInt(256)
          + "." + rnd.nextInt(256);
      byte[] parsed = io.ualwatch.model.util.IpAddresses.parse(ip);
      assertEquals(parsed == null ? null : io.ualwatch.model.util.IpAddresses.format(parsed),
          io.ualwatch.model.util.IpAddresses.normalize(ip), ip);
    }
  }
}

package io.ualwatch.model.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Cells of header-zoned CSV export columns ({@code TimeGenerated [UTC]}): what is read, and why the rest is not. */
class ExportTimesTest {
  private static final ExportTimes.Zone UTC = ExportTimes.Zone.UTC;

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      4/26/2021, 7:17:10.000 AM     | 2021-04-26T07:17:10Z
      4/26/2021, 7:17:10.000 PM     | 2021-04-26T19:17:10Z
      4/26/2021 7:17:10 AM          | 2021-04-26T07:17:10Z
      4/26/2021, 7:17 PM            | 2021-04-26T19:17:00Z
      4/26/2021 7:17:10.1234567 pm  | 2021-04-26T19:17:10.123456700Z
      12/31/2024, 12:00:00.000 AM   | 2024-12-31T00:00:00Z
      12/31/2024, 12:30:05.000 PM   | 2024-12-31T12:30:05Z
      3/4/2025, 11:59:59.999 PM     | 2025-03-04T23:59:59.999Z
      4/26/2021, 7:17:10 p.m.       | 2021-04-26T19:17:10Z
      26/04/2021, 19:17:10.000      | 2021-04-26T19:17:10Z
      26/4/2021 07:17               | 2021-04-26T07:17:00Z
      4/26/2021 19:17               | 2021-04-26T19:17:00Z
      4/26/2021, 19:17:10.000       | 2021-04-26T19:17:10Z
      3/3/2025 13:05                | 2025-03-03T13:05:00Z
      26.4.2021, 19:17:10.000       | 2021-04-26T19:17:10Z
      26.04.2021 19:17:10           | 2021-04-26T19:17:10Z
      14.3.2025, 15:00:00,125       | 2025-03-14T15:00:00.125Z
      26-4-2021 19:17:10            | 2021-04-26T19:17:10Z
      2021/4/26 19:17:10            | 2021-04-26T19:17:10Z
      2021-04-26, 7:17:10 p.m.      | 2021-04-26T19:17:10Z
      2021-04-26, 19:17:10          | 2021-04-26T19:17:10Z
      2021-04-26T07:17:10.1234567Z  | 2021-04-26T07:17:10.123456700Z
      2021-04-26 07:17:10.123       | 2021-04-26T07:17:10.123Z
      2021-04-26T09:17:10+02:00     | 2021-04-26T07:17:10Z
      """)
  void readsPortalTextInUtcColumns(String cell, String want) {
    ExportTimes.Result r = ExportTimes.parse(cell, UTC);
    assertNull(r.problem(), () -> cell + ": " + r.problem());
    assertEquals(Instant.parse(want), r.instant(), cell);
  }

  @Test
  void readsBrowserSpacesBeforeAmPm() {
    // ICU 72+ (current Chrome, Edge, Node) write a narrow no-break space before AM/PM
    assertEquals(Instant.parse("2021-04-26T19:17:10Z"),
        ExportTimes.parse("4/26/2021, 7:17:10.000\u202fPM", UTC).instant());
    assertEquals(Instant.parse("2021-04-26T07:17:10Z"),
        ExportTimes.parse("4/26/2021,\u00a07:17:10\u00a0AM", UTC).instant());
    assertEquals(Instant.parse("2021-04-26T07:17:10Z"),
        ExportTimes.parse("\u200e4/26/2021, 7:17:10 AM\u200e", UTC).instant());
  }

  @Test
  void fixedOffsetHeadersConvertToUtc() {
    ExportTimes.Zone plus2 = ExportTimes.zoneOf("UTC+02:00");
    ExportTimes.Zone minus5 = ExportTimes.zoneOf("UTC-5");
    assertEquals(Instant.parse("2021-04-26T05:17:10Z"), ExportTimes.parse("4/26/2021, 7:17:10.000 AM", plus2).instant());
    assertEquals(Instant.parse("2021-04-26T12:17:10Z"), ExportTimes.parse("4/26/2021, 7:17:10.000 AM", minus5).instant());
    assertEquals(Instant.parse("2021-04-26T05:17:10Z"), ExportTimes.parse("2021-04-26 07:17:10", plus2).instant());
    // a cell that names its own offset keeps it
    assertEquals(Instant.parse("2021-04-26T07:17:10Z"), ExportTimes.parse("2021-04-26T07:17:10Z", plus2).instant());
    // the day changes across midnight
    assertEquals(Instant.parse("2021-04-25T22:30:00Z"), ExportTimes.parse("4/26/2021, 12:30:00 AM", plus2).instant());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      UTC                      | 0
      utc                      | 0
      GMT                      | 0
      Z                        | 0
      UTC+00:00                | 0
      UTC+02:00                | 7200
      UTC+2                    | 7200
      UTC-05:00                | -18000
      UTC -5                   | -18000
      UTC+05:30                | 19800
      GMT+1                    | 3600
      +01:00                   | 3600
      """)
  void zonesThatConvert(String bracket, int seconds) {
    ExportTimes.Zone z = ExportTimes.zoneOf(bracket);
    assertNotNull(z, bracket);
    assertTrue(z.known(), bracket);
    assertEquals(ZoneOffset.ofTotalSeconds(seconds), z.offset(), bracket);
  }

  @Test
  void zonesThatDoNotConvertAndBracketsThatAreNoZone() {
    for (String s : new String[] {"Local Time", "local", "W. Europe Standard Time", "UTC+25:00", "GMT Standard Time"}) {
      ExportTimes.Zone z = ExportTimes.zoneOf(s);
      assertNotNull(z, s);
      assertFalse(z.known(), s);
    }
    for (String s : new String[] {"ms", "0", "ID", "bytes", ""}) assertNull(ExportTimes.zoneOf(s), s);
    assertNull(ExportTimes.knownZoneOf("Local Time"));
    assertNotNull(ExportTimes.knownZoneOf("UTC"));
  }

  @Test
  void unconvertibleZoneReadsOnlyCellsWithTheirOwnOffset() {
    ExportTimes.Zone local = ExportTimes.zoneOf("Local Time");
    assertEquals(Instant.parse("2021-04-26T07:17:10Z"), ExportTimes.parse("2021-04-26T07:17:10Z", local).instant());
    for (String cell : new String[] {"2021-04-26 07:17:10", "4/26/2021, 7:17:10.000 AM"}) {
      ExportTimes.Result r = ExportTimes.parse(cell, local);
      assertNull(r.instant(), cell);
      assertTrue(r.problem().contains("'Local Time'") && r.problem().contains("cannot be converted to UTC"),
          r.problem());
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      4/3/2025 13:05                | is ambiguous: month-first it is 2025-04-03, day-first 2025-03-04
      04/03/2025, 09:14:07.000      | is ambiguous: month-first it is 2025-04-03, day-first 2025-03-04
      14/3/2025, 8:00:00 PM         | is day-first (there is no month 14)
      4/26/21, 7:17 AM              | has a 2-digit year
      2/30/2025, 1:00:00 PM         | is not a valid date and time
      4/26/2021, 13:17:10 PM        | is not a valid date and time
      4/26/2021 25:17               | is not a valid date and time
      13/14/2025 10:00              | is not a date: 13/14 fits neither month-first nor day-first
      0/5/2025 10:00                | is not a date: 0/5 fits neither month-first nor day-first
      yesterday at noon             | is not a date-time ualwatch reads
      4/26/2021T07:17               | is not a date-time ualwatch reads
      1617434230                    | is not a date-time ualwatch reads
      """)
  void rejectsWithAReason(String cell, String why) {
    ExportTimes.Result r = ExportTimes.parse(cell, UTC);
    assertNull(r.instant(), () -> cell + " read as " + r.instant());
    assertTrue(r.problem().startsWith(why), () -> cell + ": " + r.problem());
  }

  @Test
  void neverThrows() {
    Random rnd = new Random(14);
    String alphabet = "0123456789/.-:, APMapm\u202f+Z";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = rnd.nextInt(30);
      for (int k = 0; k < n; k++) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      ExportTimes.Result r = ExportTimes.parse(sb.toString(), UTC);
      assertTrue(r.instant() != null ^ r.problem() != null, sb::toString);
    }
    assertNotNull(ExportTimes.parse(null, UTC).problem());
  }
}

package io.ualwatch.detect.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ualwatch.model.Geo;
import org.junit.jupiter.api.Test;

/** Place cells (country | latitude | longitude to 0.1°) key the travel and Sync-place state; they must parse back. */
class PlaceCellTest {
  private static String cell(String country, double lat, double lon) {
    Geo g = new Geo();
    g.country = country;
    g.latitude = lat;
    g.longitude = lon;
    return UserFamily.cellOf(g);
  }

  @Test
  void roundsToATenthOfADegreeHalfAwayFromZero() {
    assertEquals("GB|51.5|-0.1", cell("GB", 51.5074, -0.1278));
    assertEquals("AU|-33.9|151.2", cell("AU", -33.8688, 151.2093));
    assertEquals("NL|52.4|4.9", cell("NL", 52.35, 4.94));
    assertEquals("GH|0.0|0.0", cell("GH", -0.04, 0.04));
    assertEquals("US|40.0|-105.0", cell("US", 39.96, -104.96));
  }

  @Test
  void cellsParseBackToTheirCoordinates() {
    String c = cell("BR", -23.5505, -46.6333);
    assertArrayEquals(new double[] {-23.6, -46.6}, MailboxSyncNewContext.coordinates(c), 1e-9);
  }
}

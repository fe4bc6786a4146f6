package io.ualwatch.connector.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Records are cut out of a blob byte for byte, with their top-level Id. */
class BlobSplitterTest {
  @Test
  void cutsEachRecordsExactBytesAndItsTopLevelId() throws IOException {
    String r1 = "{\"Nested\":{\"Id\":\"inner\"},\"Id\":\"a\",\"T\":\"\u00e9\\u00e9 \\\"x\\\" ]}\"}";
    String r2 = "{ \"id\" : \"lower\" ,\n \"A\" : [ {}, [] ] }";
    String r3 = "{\"NoId\":1}";
    String blob = " [ " + r1 + " ,\n" + r2 + "," + r3 + " ] ";
    List<BlobSplitter.Raw> raws = BlobSplitter.split(blob.getBytes(StandardCharsets.UTF_8));
    assertEquals(3, raws.size());
    assertEquals(r1, new String(raws.get(0).json(), StandardCharsets.UTF_8));
    assertEquals("a", raws.get(0).id());
    assertEquals(r2, new String(raws.get(1).json(), StandardCharsets.UTF_8));
    assertEquals("lower", raws.get(1).id());
    assertNull(raws.get(2).id());
    assertEquals(0, BlobSplitter.split("[]".getBytes(StandardCharsets.UTF_8)).size());
    assertThrows(IOException.class, () -> BlobSplitter.split("{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
  }
}

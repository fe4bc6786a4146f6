package io.ualwatch.model.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.AuditEventJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming fast path for plain UAL records must give exactly what the tree path gives: same events (raw text
 * included), same rejections, on every golden and mixed input and on a few thousand mutations of them.
 */
class FastPathEquivalenceTest {

  @Test
  void fastAndTreePathsAgree() throws IOException {
    List<byte[]> corpus = ParserFuzzTest.corpus();
    Random rnd = new Random(42);
    int compared = 0;
    for (int i = 0; i < corpus.size() + 3000; i++) {
      byte[] input = i < corpus.size() ? corpus.get(i) : ParserFuzzTest.mutate(corpus, rnd);
      String fast = run(input, true);
      String tree = run(input, false);
      assertEquals(tree, fast, "input #" + i);
      compared++;
    }
    assertTrue(compared > 3000);
  }

  /**
   * Buffer boundaries anywhere: the same inputs delivered 1 to 7 bytes per read (every quote, CR/LF pair and
   * record edge lands on a boundary somewhere) give exactly the same result as one block.
   */
  @Test
  void trickledInputGivesTheSameResult() throws IOException {
    Random rnd = new Random(3);
    for (byte[] input : ParserFuzzTest.corpus()) {
      String whole = run(new ByteArrayInputStream(input), true);
      String trickled = run(new java.io.InputStream() {
        int pos;
        @Override public int read() {
          return pos < input.length ? input[pos++] & 0xff : -1;
        }
        @Override public int read(byte[] b, int off, int len) {
          if (pos >= input.length) return -1;
          int n = Math.min(Math.min(len, 1 + rnd.nextInt(7)), input.length - pos);
          System.arraycopy(input, pos, b, off, n);
          pos += n;
          return n;
        }
        @Override public boolean markSupported() {
          return false;
        }
      }, true);
      assertEquals(whole, trickled);
    }
  }

  private static String run(byte[] input, boolean fastPath) {
    return run(new ByteArrayInputStream(input), fastPath);
  }

  private static String run(java.io.InputStream in, boolean fastPath) {
    InputReader reader = new InputReader(ParseLimits.DEFAULT.withMaxRecordBytes(256 * 1024));
    reader.normalizer().fastPath = fastPath;
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    reader.read(in, "in", new ParseListener() {
      @Override public void onEvent(AuditEvent e) { out.add(AuditEventJson.toJson(e, true)); }
      @Override public void onReject(Rejection r) {
        out.addObject().put("reason", r.reason().name()).put("origin", r.origin()).put("message", r.message())
            .put("raw", r.raw());
      }
    });
    return out.toString();
  }
}

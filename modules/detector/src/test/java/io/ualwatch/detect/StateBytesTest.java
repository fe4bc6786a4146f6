package io.ualwatch.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The state codecs' byte array reader and writer give exactly the bytes of the JDK's data streams (old state stays readable). */
class StateBytesTest {
  private static final String[] STRINGS = {"", "alice@contoso.com", "Zürich", "東京", "nul\0inside", "😀 emoji",
      "x".repeat(5000), "ü".repeat(3000)};

  private static void writeAll(DataOutput o, SplittableRandom r) throws IOException {
    for (String s : STRINGS) {
      o.writeBoolean(r.nextBoolean());
      o.writeByte(r.nextInt());
      o.writeShort(r.nextInt());
      o.writeInt(r.nextInt());
      o.writeLong(r.nextLong());
      o.writeDouble(r.nextDouble() * 1e6 - 5e5);
      Codecs.writeVarInt(o, r.nextInt());
      Codecs.writeVarLong(o, r.nextLong());
      o.writeUTF(s);
      Codecs.writeString(o, r.nextBoolean() ? null : s);
    }
  }

  private static void readAll(DataInput in, SplittableRandom r) throws IOException {
    for (String s : STRINGS) {
      assertEquals(r.nextBoolean(), in.readBoolean());
      assertEquals((byte) r.nextInt(), in.readByte());
      assertEquals((short) r.nextInt(), in.readShort());
      assertEquals(r.nextInt(), in.readInt());
      assertEquals(r.nextLong(), in.readLong());
      assertEquals(r.nextDouble() * 1e6 - 5e5, in.readDouble());
      assertEquals(r.nextInt(), Codecs.readVarInt(in));
      assertEquals(r.nextLong(), Codecs.readVarLong(in));
      assertEquals(s, in.readUTF());
      assertEquals(r.nextBoolean() ? null : s, Codecs.readString(in));
    }
  }

  @Test
  void sameBytesAsTheJdkStreamsBothWays() throws IOException {
    for (long seed = 0; seed < 20; seed++) {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (DataOutputStream jdk = new DataOutputStream(bos)) {
        writeAll(jdk, new SplittableRandom(seed));
      }
      StateBytes.Writer w = new StateBytes.Writer(1);
      writeAll(w, new SplittableRandom(seed));
      assertArrayEquals(bos.toByteArray(), w.toByteArray());
      readAll(new StateBytes.Reader(bos.toByteArray()), new SplittableRandom(seed));
      readAll(new DataInputStream(new ByteArrayInputStream(w.toByteArray())), new SplittableRandom(seed));
    }
  }

  @Test
  void aTruncatedValueIsAnEndOfFileNotGarbage() {
    StateBytes.Writer w = new StateBytes.Writer(8);
    w.writeLong(42);
    byte[] b = java.util.Arrays.copyOf(w.toByteArray(), 5);
    assertThrows(EOFException.class, () -> new StateBytes.Reader(b).readLong());
  }
}

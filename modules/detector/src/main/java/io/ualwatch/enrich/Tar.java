package io.ualwatch.enrich;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/** Minimal ustar reader for npm package tarballs (regular files only, no links). */
final class Tar {
  private Tar() {}

  static void extract(InputStream in, Path dir, Predicate<String> wanted) throws IOException {
    byte[] header = new byte[512];
    byte[] buf = new byte[1 << 16];
    while (readFully(in, header)) {
      if (isZero(header)) break;
      String name = cstr(header, 0, 100);
      String prefix = cstr(header, 345, 155);
      if (!prefix.isEmpty()) name = prefix + "/" + name;
      long size = Long.parseLong(cstr(header, 124, 12).strip().isEmpty() ? "0" : cstr(header, 124, 12).strip(), 8);
      char type = (char) header[156];
      boolean file = type == '0' || type == 0;
      Path out = dir.resolve(name).normalize();
      boolean take = file && wanted.test(name) && out.startsWith(dir);
      OutputStream os = null;
      if (take) {
        Files.createDirectories(out.getParent());
        os = Files.newOutputStream(out);
      }
      long left = size;
      try {
        while (left > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, left));
          if (n < 0) throw new IOException("truncated tar entry " + name);
          if (os != null) os.write(buf, 0, n);
          left -= n;
        }
      } finally {
        if (os != null) os.close();
      }
      long pad = (512 - size % 512) % 512;
      in.skipNBytes(pad);
    }
  }

  private static boolean readFully(InputStream in, byte[] b) throws IOException {
    int off = 0;
    while (off < b.length) {
      int n = in.read(b, off, b.length - off);
      if (n < 0) return false;
      off += n;
    }
    return true;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) if (x != 0) return false;
    return true;
  }

  private static String cstr(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) end++;
    return new String(b, off, end - off, StandardCharsets.US_ASCII);
  }
}

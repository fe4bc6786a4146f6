package io.ualwatch.enrich;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * IP range → ASN + organisation, from the {@code @ip-location-db/asn} numeric CSVs
 * ({@code start,end,asn,organisation}; RouteViews, DB-IP, NRO; CC BY 4.0). Binary search over sorted,
 * non-overlapping ranges held in primitive arrays (about 10 MB for the whole Internet).
 */
public final class AsnTable {
  /** An ASN and its organisation. */
  public record Asn(long number, String organisation) {}

  // IPv4: ranges as unsigned ints in longs
  private long[] v4Start = new long[0];
  private long[] v4End = new long[0];
  private int[] v4Asn = new int[0];
  private int[] v4Org = new int[0];
  // IPv6: 128-bit as (hi, lo) signed-flipped so that signed compare orders as unsigned
  private long[] v6StartHi = new long[0];
  private long[] v6StartLo = new long[0];
  private long[] v6EndHi = new long[0];
  private long[] v6EndLo = new long[0];
  private int[] v6Asn = new int[0];
  private int[] v6Org = new int[0];
  private String[] orgs = new String[0];

  public static AsnTable load(InputStream v4NumCsv, InputStream v6NumCsv) throws IOException {
    AsnTable t = new AsnTable();
    Map<String, Integer> orgIndex = new HashMap<>();
    java.util.List<String> orgList = new java.util.ArrayList<>();
    if (v4NumCsv != null) t.loadV4(v4NumCsv, orgIndex, orgList);
    if (v6NumCsv != null) t.loadV6(v6NumCsv, orgIndex, orgList);
    t.orgs = orgList.toArray(new String[0]);
    return t;
  }

  private static int org(String name, Map<String, Integer> index, java.util.List<String> list) {
    return index.computeIfAbsent(name, n -> {
      list.add(n);
      return list.size() - 1;
    });
  }

  private void loadV4(InputStream in, Map<String, Integer> orgIndex, java.util.List<String> orgList)
      throws IOException {
    int n = 0;
    long[] s = new long[1 << 19];
    long[] e = new long[1 << 19];
    int[] a = new int[1 << 19];
    int[] o = new int[1 << 19];
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    String line;
    while ((line = r.readLine()) != null) {
      String[] f = AppCatalog.splitCsv(line);
      if (f.length < 3) continue;
      if (n == s.length) {
        s = Arrays.copyOf(s, n * 2);
        e = Arrays.copyOf(e, n * 2);
        a = Arrays.copyOf(a, n * 2);
        o = Arrays.copyOf(o, n * 2);
      }
      try {
        s[n] = Long.parseLong(f[0]);
        e[n] = Long.parseLong(f[1]);
        a[n] = (int) Long.parseLong(f[2]);
      } catch (NumberFormatException ex) {
        continue;
      }
      o[n] = org(f.length > 3 ? f[3] : "", orgIndex, orgList);
      n++;
    }
    sortV4(s, e, a, o, n);
    v4Start = Arrays.copyOf(s, n);
    v4End = Arrays.copyOf(e, n);
    v4Asn = Arrays.copyOf(a, n);
    v4Org = Arrays.copyOf(o, n);
  }

  private static void sortV4(long[] s, long[] e, int[] a, int[] o, int n) {
    for (int i = 1; i < n; i++) {
      if (s[i] < s[i - 1]) {
        Integer[] idx = new Integer[n];
        for (int k = 0; k < n; k++) idx[k] = k;
        Arrays.sort(idx, (x, y) -> Long.compare(s[x], s[y]));
        long[] s2 = new long[n], e2 = new long[n];
        int[] a2 = new int[n], o2 = new int[n];
        for (int k = 0; k < n; k++) {
          s2[k] = s[idx[k]];
          e2[k] = e[idx[k]];
          a2[k] = a[idx[k]];
          o2[k] = o[idx[k]];
        }
        System.arraycopy(s2, 0, s, 0, n);
        System.arraycopy(e2, 0, e, 0, n);
        System.arraycopy(a2, 0, a, 0, n);
        System.arraycopy(o2, 0, o, 0, n);
        return;
      }
    }
  }

  private void loadV6(InputStream in, Map<String, Integer> orgIndex, java.util.List<String> orgList)
      throws IOException {
    int n = 0;
    int cap = 1 << 17;
    long[] sh = new long[cap], sl = new long[cap], eh = new long[cap], el = new long[cap];
    int[] a = new int[cap], o = new int[cap];
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    String line;
    while ((line = r.readLine()) != null) {
      String[] f = AppCatalog.splitCsv(line);
      if (f.length < 3) continue;
      if (n == sh.length) {
        int c = n * 2;
        sh = Arrays.copyOf(sh, c);
        sl = Arrays.copyOf(sl, c);
        eh = Arrays.copyOf(eh, c);
        el = Arrays.copyOf(el, c);
        a = Arrays.copyOf(a, c);
        o = Arrays.copyOf(o, c);
      }
      try {
        BigInteger bs = new BigInteger(f[0]);
        BigInteger be = new BigInteger(f[1]);
        sh[n] = bs.shiftRight(64).longValue() ^ Long.MIN_VALUE;
        sl[n] = bs.longValue() ^ Long.MIN_VALUE;
        eh[n] = be.shiftRight(64).longValue() ^ Long.MIN_VALUE;
        el[n] = be.longValue() ^ Long.MIN_VALUE;
        a[n] = (int) Long.parseLong(f[2]);
      } catch (NumberFormatException ex) {
        continue;
      }
      o[n] = org(f.length > 3 ? f[3] : "", orgIndex, orgList);
      n++;
    }
    v6StartHi = Arrays.copyOf(sh, n);
    v6StartLo = Arrays.copyOf(sl, n);
    v6EndHi = Arrays.copyOf(eh, n);
    v6EndLo = Arrays.copyOf(el, n);
    v6Asn = Arrays.copyOf(a, n);
    v6Org = Arrays.copyOf(o, n);
  }

  public int sizeV4() {
    return v4Start.length;
  }

  public int sizeV6() {
    return v6StartHi.length;
  }

  /** Looks up 4 or 16 address bytes; null when no range covers the address. */
  public Asn lookup(byte[] addr) {
    if (addr.length == 4) {
      long ip = ((addr[0] & 0xffL) << 24) | ((addr[1] & 0xffL) << 16) | ((addr[2] & 0xffL) << 8) | (addr[3] & 0xffL);
      int lo = 0, hi = v4Start.length - 1, found = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (v4Start[mid] <= ip) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      if (found < 0 || ip > v4End[found]) return null;
      return new Asn(v4Asn[found] & 0xffffffffL, orgs[v4Org[found]]);
    }
    long h = 0, l = 0;
    for (int i = 0; i < 8; i++) h = (h << 8) | (addr[i] & 0xff);
    for (int i = 8; i < 16; i++) l = (l << 8) | (addr[i] & 0xff);
    h ^= Long.MIN_VALUE;
    l ^= Long.MIN_VALUE;
    int lo = 0, hi = v6StartHi.length - 1, found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (v6StartHi[mid] < h || (v6StartHi[mid] == h && v6StartLo[mid] <= l)) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) return null;
    if (h > v6EndHi[found] || (h == v6EndHi[found] && l > v6EndLo[found])) return null;
    return new Asn(v6Asn[found] & 0xffffffffL, orgs[v6Org[found]]);
  }
}

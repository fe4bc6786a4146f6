package io.ualwatch.config;

import io.ualwatch.model.util.IpAddresses;
import java.util.ArrayList;
import java.util.List;

/** CIDR blocks (IPv4 and IPv6) and membership tests. */
public final class Cidrs {
  private final List<byte[]> nets = new ArrayList<>();
  private final List<Integer> lens = new ArrayList<>();

  public Cidrs(List<String> blocks) {
    for (String b : blocks) {
      int slash = b.indexOf('/');
      byte[] a = IpAddresses.parse(slash < 0 ? b : b.substring(0, slash));
      if (a == null) throw new ConfigException("not a CIDR block: " + b);
      int len = slash < 0 ? a.length * 8 : Integer.parseInt(b.substring(slash + 1).strip());
      if (len < 0 || len > a.length * 8) throw new ConfigException("bad prefix length in " + b);
      nets.add(a);
      lens.add(len);
    }
  }

  public static boolean isValid(String block) {
    try {
      new Cidrs(List.of(block));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  public boolean isEmpty() {
    return nets.isEmpty();
  }

  public boolean contains(String ip) {
    if (nets.isEmpty() || ip == null) return false;
    byte[] a = IpAddresses.parse(ip);
    if (a == null) return false;
    for (int i = 0; i < nets.size(); i++) {
      byte[] n = nets.get(i);
      if (n.length != a.length) continue;
      int len = lens.get(i);
      boolean match = true;
      for (int bit = 0; bit < len; bit += 8) {
        int remaining = Math.min(8, len - bit);
        int mask = (0xff << (8 - remaining)) & 0xff;
        if ((n[bit / 8] & mask) != (a[bit / 8] & mask)) {
          match = false;
          break;
        }
      }
      if (match) return true;
    }
    return false;
  }
}

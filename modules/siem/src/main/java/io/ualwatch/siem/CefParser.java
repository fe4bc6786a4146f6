package io.ualwatch.siem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser and validator of CEF lines, as a SIEM's CEF parser would read them, and stricter: it rejects
 * what some parsers silently mangle (an unescaped {@code =} in a value, an unknown escape sequence, a raw line
 * break, a key outside the CEF dictionary, a custom field without its label or the other way round, a value
 * over the dictionary's length limit, a malformed timestamp, address or number).
 */
public final class CefParser {
  /** A parsed line; extension values are unescaped. */
  public record Cef(int version, String vendor, String product, String deviceVersion, String signatureId,
      String name, String severity, Map<String, String> extension) {
    public int severityNumber() {
      return Integer.parseInt(severity);
    }
  }

  /** Thrown for anything that is not valid CEF. */
  public static final class CefException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CefException(String message) {
      super(message);
    }
  }

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_]+");
  private static final Pattern LONG = Pattern.compile("-?[0-9]{1,19}");
  private static final Pattern IPV4 = Pattern.compile(
      "((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");
  private static final Pattern DATE = Pattern.compile("[A-Z][a-z]{2} [0-9]{2} ([0-9]{4} )?[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{3})?( [A-Za-z/_+-]+)?");
  private static final Set<String> SEVERITY_WORDS = Set.of("Unknown", "Low", "Medium", "High", "Very-High");

  /** The CEF dictionary keys this parser accepts, with their maximum length (0 = type-checked instead). */
  private static final Map<String, Integer> KEYS = new LinkedHashMap<>();

  static {
    for (String k : List.of("rt", "start", "end", "deviceCustomDate1", "deviceCustomDate2")) KEYS.put(k, 0);
    for (String k : List.of("cnt", "cn1", "cn2", "cn3", "spt", "dpt", "in", "out")) KEYS.put(k, 0);
    for (String k : List.of("src", "dst", "c6a1", "c6a2", "c6a3", "c6a4", "slat", "slong", "dlat", "dlong")) KEYS.put(k, 0);
    KEYS.put("externalId", 40);
    KEYS.put("act", 63);
    KEYS.put("app", 31);
    KEYS.put("proto", 31);
    for (String k : List.of("msg", "cat", "suser", "duser", "suid", "duid", "shost", "dhost", "dvchost",
        "flexString1", "flexString2", "request", "requestClientApplication", "reason", "outcome")) {
      KEYS.put(k, 1023);
    }
    for (int i = 1; i <= 6; i++) KEYS.put("cs" + i, 4000);
    for (String k : List.of("cs1", "cs2", "cs3", "cs4", "cs5", "cs6", "cn1", "cn2", "cn3", "c6a1", "c6a2", "c6a3",
        "c6a4", "deviceCustomDate1", "deviceCustomDate2", "flexString1", "flexString2")) {
      KEYS.put(k + "Label", 1023);
    }
  }

  private CefParser() {}

  public static Cef parse(String line) {
    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) throw new CefException("raw line break in a CEF line");
    if (!line.startsWith("CEF:")) throw new CefException("does not start with CEF:");
    List<String> header = new ArrayList<>(8);
    StringBuilder cur = new StringBuilder();
    int i = 4;
    while (i < line.length() && header.size() < 7) {
      char c = line.charAt(i);
      if (c == '\\') {
        if (i + 1 >= line.length()) throw new CefException("dangling backslash in header");
        char n = line.charAt(i + 1);
        if (n != '\\' && n != '|') throw new CefException("invalid header escape \\" + n + " at " + i);
        cur.append(n);
        i += 2;
      } else if (c == '|') {
        header.add(cur.toString());
        cur.setLength(0);
        i++;
      } else {
        cur.append(c);
        i++;
      }
    }
    if (header.size() < 7) throw new CefException("expected 7 header fields before the extension, got " + header.size());
    int version;
    try {
      version = Integer.parseInt(header.get(0));
    } catch (NumberFormatException e) {
      throw new CefException("bad CEF version '" + header.get(0) + "'");
    }
    if (version != 0 && version != 1) throw new CefException("unsupported CEF version " + version);
    for (int h = 1; h <= 5; h++) {
      if (header.get(h).isEmpty()) throw new CefException("empty header field " + (h + 1));
    }
    String sev = header.get(6);
    if (!SEVERITY_WORDS.contains(sev)) {
      if (!sev.matches("[0-9]{1,2}") || Integer.parseInt(sev) > 10) throw new CefException("bad severity '" + sev + "'");
    }
    Map<String, String> ext = extension(line.substring(i));
    return new Cef(version, header.get(1), header.get(2), header.get(3), header.get(4), header.get(5), sev, ext);
  }

  static Map<String, String> extension(String s) {
    Map<String, String> out = new LinkedHashMap<>();
    if (s.isEmpty()) return out;
    // positions of unescaped '='
    List<Integer> eqs = new ArrayList<>();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '=') {
        eqs.add(i);
      }
    }
    if (eqs.isEmpty()) throw new CefException("extension without key=value pairs");
    int keyStart = 0;
    for (int k = 0; k < eqs.size(); k++) {
      int eq = eqs.get(k);
      String key = s.substring(keyStart, eq);
      if (!KEY.matcher(key).matches()) throw new CefException("bad extension key '" + key + "'");
      if (!KEYS.containsKey(key)) throw new CefException("key '" + key + "' is not in the CEF dictionary");
      if (out.containsKey(key)) throw new CefException("duplicate key '" + key + "'");
      int valueEnd;
      int nextKeyStart;
      if (k + 1 < eqs.size()) {
        int next = eqs.get(k + 1);
        int sp = s.lastIndexOf(' ', next);
        if (sp <= eq) throw new CefException("unescaped '=' in the value of '" + key + "'");
        valueEnd = sp;
        nextKeyStart = sp + 1;
      } else {
        valueEnd = s.length();
        nextKeyStart = -1;
      }
      out.put(key, unescape(s.substring(eq + 1, valueEnd), key));
      keyStart = nextKeyStart;
    }
    check(out);
    return out;
  }

  static String unescape(String v, String key) {
    StringBuilder sb = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (i + 1 >= v.length()) throw new CefException("dangling backslash in '" + key + "'");
      char n = v.charAt(++i);
      switch (n) {
        case '\\' -> sb.append('\\');
        case '=' -> sb.append('=');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        default -> throw new CefException("invalid escape \\" + n + " in '" + key + "'");
      }
    }
    return sb.toString();
  }

  private static void check(Map<String, String> ext) {
    for (Map.Entry<String, String> e : ext.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      int max = KEYS.get(k);
      if (max > 0 && v.length() > max) throw new CefException("'" + k + "' longer than " + max + " characters");
      if (!v.equals(v.strip())) throw new CefException("'" + k + "' has leading or trailing blanks");
      switch (k) {
        case "rt", "start", "end", "deviceCustomDate1", "deviceCustomDate2" -> {
          if (!LONG.matcher(v).matches() && !DATE.matcher(v).matches()) throw new CefException("bad timestamp " + k + "=" + v);
        }
        case "cnt", "cn1", "cn2", "cn3", "spt", "dpt", "in", "out" -> {
          if (!LONG.matcher(v).matches()) throw new CefException("not an integer: " + k + "=" + v);
        }
        case "src", "dst" -> {
          if (!IPV4.matcher(v).matches()) throw new CefException("not an IPv4 address: " + k + "=" + v);
        }
        case "c6a1", "c6a2", "c6a3", "c6a4" -> {
          if (v.indexOf(':') < 0 || !v.matches("[0-9A-Fa-f:.]+")) throw new CefException("not an IPv6 address: " + k + "=" + v);
        }
        case "slat", "dlat", "slong", "dlong" -> {
          double d;
          try {
            d = Double.parseDouble(v);
          } catch (NumberFormatException x) {
            throw new CefException("not a number: " + k + "=" + v);
          }
          double lim = k.endsWith("lat") ? 90 : 180;
          if (Math.abs(d) > lim) throw new CefException("out of range: " + k + "=" + v);
        }
        default -> { }
      }
      if (k.endsWith("Label")) {
        String field = k.substring(0, k.length() - "Label".length());
        if (!ext.containsKey(field)) throw new CefException(k + " without " + field);
      } else if (KEYS.containsKey(k + "Label") && !ext.containsKey(k + "Label")) {
        throw new CefException(k + " without " + k + "Label");
      }
    }
  }
}

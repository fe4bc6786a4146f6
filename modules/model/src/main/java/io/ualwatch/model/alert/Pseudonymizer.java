package io.ualwatch.model.alert;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pseudonymises an {@link Alert} for a sink that must not see who or where (data minimisation, docs/security.md):
 * every user principal name / mail address and every IP address is replaced by a keyed HMAC-SHA256 token, in the
 * structured fields and inside the free text (message, baseline, evidence detail, facts, entities), so that no
 * original value survives anywhere in the OCSF, ECS or CEF rendering. The same value under the same key always
 * gives the same token, so a SOC can still correlate alerts by user or address without learning them; whoever
 * holds the key can compute the token of a known user (forward look-up), nobody can invert a token.
 *
 * <p>Tokens keep the shape of what they replace, so that SIEM mappings typed as e-mail or IP keep working:
 * <ul>
 *   <li>an address {@code local@domain} → {@code upn-<16 hex>@d-<10 hex>.pseudo.invalid}: the first part is the
 *       HMAC of the whole (lower-cased) address, the second the HMAC of its domain, so "same domain" stays visible
 *       (e.g. forwarding to another domain than the user's); {@code .invalid} (RFC 6761) never resolves, so a
 *       playbook that mails the token fails safely;</li>
 *   <li>a user value that is not an address (e.g. {@code NT AUTHORITY\SYSTEM}) → {@code user-<16 hex>};</li>
 *   <li>an IPv4 or IPv6 address → an IPv6 address in the documentation prefix {@code 2001:db8::/32} (RFC 3849, never
 *       a real client) carrying 96 bits of the HMAC: still a valid IP for ECS {@code ip} fields, CEF {@code c6a2}
 *       and the schemas in {@code schemas/}.</li>
 * </ul>
 * The alert id, rule, tenant, app, token and session ids, record ids and the geolocation (country, city,
 * coordinates, ASN) are kept: the id is a hash computed upstream that every sink shares (SIEMs upsert on it).
 *
 * <p>With {@code dropContent}, mail content is dropped as well: the evidence {@code detail} texts (folder paths,
 * forwarding targets, client details) and the facts that name mail content ({@link #CONTENT_FACTS}: folder paths,
 * inbox rule names), whose values are also cut out of the message. ualwatch extracts no message subjects; item
 * ids never reach an alert.
 *
 * <p>{@link #apply} returns a copy and never changes its argument (the job hands the same alert to every sink).
 * Thread-safe.
 */
public final class Pseudonymizer {
  /** Least key length in bytes (e.g. {@code openssl rand -base64 32}: 44 characters). */
  public static final int MIN_KEY_BYTES = 32;
  /** Domain of pseudonymous addresses (RFC 6761 {@code .invalid}). */
  public static final String DOMAIN = "pseudo.invalid";
  /** What replaces dropped mail content. */
  public static final String REDACTED = "[redacted]";
  /** The fact that says an alert is pseudonymised, and under which key (a fingerprint, not the key). */
  public static final String KEY_ID_FACT = "pseudonymKeyId";
  /** Facts whose values name mail content, with the separator of their items. */
  public static final Map<String, String> CONTENT_FACTS = Map.of("folders", "\n", "rules", ";");

  private static final String LOCAL = "[\\p{L}\\p{N}_.%+'#$&*!~-]";
  /** A mail address / UPN (guest UPNs carry #EXT#); it does not start with a quote, so 'a@b.c' is found inside. */
  static final Pattern EMAIL = Pattern.compile("(?<![\\p{L}\\p{N}_.%+#$&*!~-])[\\p{L}\\p{N}_]" + LOCAL
      + "*@[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)+");
  private static final String OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  /** Candidates only: a run of hex digits, colons and dots with two colons, checked by {@link #parseIp}. */
  private static final String IPV6_CANDIDATE = "(?<![\\p{L}\\p{N}_:.])[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*";
  private static final String IPV4 = "(?<![\\p{N}.])" + OCTET + "(?:\\." + OCTET + "){3}(?!\\d|\\.\\d)";
  private static final Pattern TOKENS = Pattern.compile("(?<email>" + EMAIL.pattern() + ")|(?<ip6>" + IPV6_CANDIDATE
      + ")|(?<ip4>" + IPV4 + ")");
  private static final HexFormat HEX = HexFormat.of();

  private final Mac mac;
  private final boolean dropContent;
  private final String keyId;

  /**
   * @param key the HMAC key, at least {@link #MIN_KEY_BYTES} bytes (the message of the exception never shows it)
   * @param dropContent also drop evidence details and mail-content facts
   */
  public Pseudonymizer(byte[] key, boolean dropContent) {
    if (key == null || key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("the pseudonymisation key must be at least " + MIN_KEY_BYTES + " bytes, got "
          + (key == null ? 0 : key.length));
    }
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
    this.dropContent = dropContent;
    this.keyId = HEX.formatHex(hmac("key-id", new byte[0]), 0, 4);
  }

  public boolean dropsContent() {
    return dropContent;
  }

  /** A fingerprint of the key (8 hex digits): tells consumers which key's tokens they are looking at. */
  public String keyId() {
    return keyId;
  }

  /** The token of a user principal name, mail address or other user value; null stays null. */
  public String user(String value) {
    if (value == null) return null;
    String v = value.strip();
    if (EMAIL.matcher(v).matches()) return address(v);
    return "user-" + HEX.formatHex(hmac("user", utf8(v.toLowerCase(Locale.ROOT))), 0, 8);
  }

  /** The token of an IP address (an address in 2001:db8::/32); a value that is no IP still gets one. */
  public String ip(String value) {
    if (value == null) return null;
    String v = value.strip();
    byte[] b = parseIp(v);
    byte[] h = b != null ? hmac("ip", b) : hmac("ip-text", utf8(v.toLowerCase(Locale.ROOT)));
    StringBuilder sb = new StringBuilder("2001:db8");
    for (int i = 0; i < 12; i += 2) sb.append(':').append(Integer.toHexString(((h[i] & 0xff) << 8) | (h[i + 1] & 0xff)));
    return sb.toString();
  }

  /** Free text with every address and IP replaced by its token. */
  public String text(String s) {
    return scrub(s, Scrub.NONE);
  }

  /** A pseudonymised copy of {@code a}: same id, no original UPN or IP left (see the class comment). */
  public Alert apply(Alert a) {
    // values of the user fields that the patterns would not find in the text (not an address)
    Map<String, String> known = new LinkedHashMap<>();
    Alert c = new Alert();
    c.id = a.id;
    c.ruleId = a.ruleId;
    c.revision = a.revision;
    c.status = a.status;
    c.severity = a.severity;
    c.confidence = a.confidence;
    c.time = a.time;
    c.firstSeen = a.firstSeen;
    c.lastSeen = a.lastSeen;
    c.bucket = a.bucket;
    c.appFirstParty = a.appFirstParty;
    c.evidenceCount = a.evidenceCount;
    c.emittedDigest = a.emittedDigest;
    c.user = userField(a.user, known);
    c.mailbox = userField(a.mailbox, known);
    for (Map.Entry<String, String> e : a.entities.entrySet()) {
      if (isUserKey(e.getKey())) userField(e.getValue(), known);
    }
    // Texts are first scrubbed by pattern; the known values and the content items are looked for in their
    // scrubbed form, so that a redaction never cuts an address before its token replaced it.
    List<Map.Entry<String, String>> knownForms = new ArrayList<>();
    for (Map.Entry<String, String> k : known.entrySet()) knownForms.add(Map.entry(tokens(k.getKey()), k.getValue()));
    knownForms.sort(Comparator.comparingInt((Map.Entry<String, String> k) -> k.getKey().length()).reversed());
    Scrub withKnown = new Scrub(knownForms, List.of());
    List<String> content = new ArrayList<>();
    if (dropContent) {
      for (Map.Entry<String, String> f : CONTENT_FACTS.entrySet()) {
        String v = a.facts.get(f.getKey());
        if (v == null) continue;
        for (String item : v.split(Pattern.quote(f.getValue()))) {
          if (!item.isBlank()) content.add(scrub(item.strip(), withKnown));
        }
      }
      content.sort(Comparator.comparingInt(String::length).reversed());
    }
    Scrub ctx = new Scrub(knownForms, content);

    c.ruleName = scrub(a.ruleName, ctx);
    c.tenantId = scrub(a.tenantId, ctx);
    c.appId = scrub(a.appId, ctx);
    c.appName = scrub(a.appName, ctx);
    c.tokenId = scrub(a.tokenId, ctx);
    c.sessionId = scrub(a.sessionId, ctx);
    c.message = scrub(a.message, ctx);
    c.baseline = scrub(a.baseline, ctx);
    c.attackTechniqueId = a.attackTechniqueId;
    c.attackTechniqueName = a.attackTechniqueName;
    c.attackTacticId = a.attackTacticId;
    c.attackTacticName = a.attackTacticName;
    c.configVersion = a.configVersion;
    c.source = a.source == null ? null : endpoint(a.source, ctx);
    for (Endpoint e : a.endpoints) {
      c.endpoints.add(e == a.source && c.source != null ? c.source : endpoint(e, ctx));
    }
    for (Evidence e : a.evidence) {
      Evidence x = new Evidence(scrub(e.recordId, ctx), e.time,
          scrub(e.operation, ctx), e.ip == null ? null : ip(e.ip),
          scrub(e.country, ctx), e.asn,
          dropContent ? null : scrub(e.detail, ctx));
      c.evidence.add(x);
    }
    for (Map.Entry<String, String> e : a.entities.entrySet()) {
      String v = e.getValue();
      c.entities.put(e.getKey(), isUserKey(e.getKey()) && v != null ? user(v) : scrub(v, ctx));
    }
    for (Map.Entry<String, String> e : a.facts.entrySet()) {
      String v = dropContent && CONTENT_FACTS.containsKey(e.getKey()) ? REDACTED
          : scrub(e.getValue(), ctx);
      c.facts.put(e.getKey(), v);
    }
    c.facts.put(KEY_ID_FACT, keyId);
    return c;
  }

  private Endpoint endpoint(Endpoint e, Scrub ctx) {
    Endpoint x = e.at(e.time);
    x.ip = e.ip == null ? null : ip(e.ip);
    x.country = scrub(e.country, ctx);
    x.city = scrub(e.city, ctx);
    x.asOrg = scrub(e.asOrg, ctx);
    x.network = scrub(e.network, ctx);
    return x;
  }

  private static boolean isUserKey(String key) {
    return "user".equals(key) || "mailbox".equals(key);
  }

  private String userField(String v, Map<String, String> known) {
    if (v == null) return null;
    String t = user(v);
    String s = v.strip();
    if (!s.isEmpty() && !EMAIL.matcher(s).matches() && parseIp(s) == null) known.putIfAbsent(s, t);
    return t;
  }

  /** What {@link #scrub} replaces besides the patterns: known user values (→ token) and content (→ redacted). */
  private record Scrub(List<Map.Entry<String, String>> known, List<String> content) {
    static final Scrub NONE = new Scrub(List.of(), List.of());
  }

  private String scrub(String s, Scrub ctx) {
    if (s == null || s.isEmpty()) return s;
    String t = tokens(s);
    for (Map.Entry<String, String> k : ctx.known()) t = replaceDelimited(t, k.getKey(), k.getValue(), true);
    for (String c : ctx.content()) t = replaceDelimited(t, c, REDACTED, false);
    return t;
  }

  /** Every address and IP literal in {@code s} replaced by its token, in one pass (tokens are not scanned again). */
  private String tokens(String s) {
    // most values (ids, names, numbers) can hold neither an address nor an IP literal: no need to scan them
    if (s.indexOf('@') < 0 && s.indexOf('.') < 0 && s.indexOf(':') < 0) return s;
    Matcher m = TOKENS.matcher(s);
    StringBuilder sb = null;
    int last = 0;
    while (m.find()) {
      String repl;
      int end = m.end();
      if (m.group("email") != null) {
        repl = address(m.group());
      } else if (m.group("ip4") != null) {
        repl = ip(m.group());
      } else {
        String cand = m.group();
        // the run may have caught a sentence's full stop or a following ':'
        while (!cand.isEmpty() && parseIp(cand) == null && (cand.endsWith(".") || cand.endsWith(":"))) {
          cand = cand.substring(0, cand.length() - 1);
        }
        if (cand.isEmpty() || parseIp(cand) == null) continue;
        repl = ip(cand);
        end = m.start() + cand.length();
      }
      if (sb == null) sb = new StringBuilder(s.length() + 32);
      sb.append(s, last, m.start()).append(repl);
      last = end;
    }
    if (sb == null) return s;
    return sb.append(s, last, s.length()).toString();
  }

  /**
   * Replaces {@code needle} where it stands on its own: no letter or digit right before or after it (so an inbox
   * rule named "." is cut out of "'.'", not out of every domain name).
   */
  static String replaceDelimited(String s, String needle, String repl, boolean ignoreCase) {
    if (needle.isEmpty() || s.length() < needle.length()) return s;
    StringBuilder sb = null;
    int last = 0;
    int i = 0;
    while (i <= s.length() - needle.length()) {
      if (s.regionMatches(ignoreCase, i, needle, 0, needle.length())
          && !(i > 0 && Character.isLetterOrDigit(s.charAt(i - 1)))
          && !(i + needle.length() < s.length() && Character.isLetterOrDigit(s.charAt(i + needle.length())))) {
        if (sb == null) sb = new StringBuilder(s.length() + 16);
        sb.append(s, last, i).append(repl);
        i += needle.length();
        last = i;
      } else {
        i++;
      }
    }
    if (sb == null) return s;
    return sb.append(s, last, s.length()).toString();
  }

  private String address(String v) {
    String lower = v.toLowerCase(Locale.ROOT);
    String domain = lower.substring(lower.lastIndexOf('@') + 1);
    return "upn-" + HEX.formatHex(hmac("upn", utf8(lower)), 0, 8) + "@d-"
        + HEX.formatHex(hmac("domain", utf8(domain)), 0, 5) + "." + DOMAIN;
  }

  private synchronized byte[] hmac(String kind, byte[] value) {
    mac.reset();
    mac.update(utf8(kind));
    mac.update((byte) 0x1f);
    mac.update(value);
    return mac.doFinal();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The bytes of an IPv4 (4) or IPv6 (16) literal, an IPv4-mapped IPv6 address as IPv4; null when {@code s} is no
   * IP literal. Never resolves a name.
   */
  static byte[] parseIp(String s) {
    if (s == null || s.isEmpty()) return null;
    int zone = s.indexOf('%');
    if (zone >= 0) s = s.substring(0, zone);
    if (s.startsWith("[") && s.endsWith("]")) s = s.substring(1, s.length() - 1);
    if (s.indexOf(':') < 0) return parseIpv4(s);
    byte[] b = parseIpv6(s);
    if (b == null) return null;
    boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    for (int i = 0; i < 10 && mapped; i++) mapped = b[i] == 0;
    if (mapped) return new byte[] {b[12], b[13], b[14], b[15]};
    return b;
  }

  private static byte[] parseIpv4(String s) {
    String[] p = s.split("\\.", -1);
    if (p.length != 4) return null;
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (p[i].isEmpty() || p[i].length() > 3) return null;
      int v = 0;
      for (int j = 0; j < p[i].length(); j++) {
        char ch = p[i].charAt(j);
        if (ch < '0' || ch > '9') return null;
        v = v * 10 + (ch - '0');
      }
      if (v > 255) return null;
      b[i] = (byte) v;
    }
    return b;
  }

  private static byte[] parseIpv6(String s) {
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) return null;
    List<Integer> head = new ArrayList<>();
    List<Integer> tail = new ArrayList<>();
    if (dbl < 0) {
      if (!groups(s, head)) return null;
      if (head.size() != 8) return null;
    } else {
      if (!groups(s.substring(0, dbl), head) || !groups(s.substring(dbl + 2), tail)) return null;
      if (head.size() + tail.size() > 7) return null;
    }
    byte[] b = new byte[16];
    for (int i = 0; i < head.size(); i++) {
      b[2 * i] = (byte) (head.get(i) >> 8);
      b[2 * i + 1] = (byte) (int) head.get(i);
    }
    for (int i = 0; i < tail.size(); i++) {
      int g = 8 - tail.size() + i;
      b[2 * g] = (byte) (tail.get(i) >> 8);
      b[2 * g + 1] = (byte) (int) tail.get(i);
    }
    return b;
  }

  /** Colon-separated hex groups (the last may be a dotted IPv4 address: two groups); "" is no group. */
  private static boolean groups(String s, List<Integer> out) {
    if (s.isEmpty()) return true;
    String[] p = s.split(":", -1);
    for (int i = 0; i < p.length; i++) {
      String g = p[i];
      if (i == p.length - 1 && g.indexOf('.') >= 0) {
        byte[] v4 = parseIpv4(g);
        if (v4 == null) return false;
        out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
        out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
        continue;
      }
      if (g.isEmpty() || g.length() > 4) return false;
      int v = 0;
      for (int j = 0; j < g.length(); j++) {
        int d = Character.digit(g.charAt(j), 16);
        if (d < 0) return false;
        v = v * 16 + d;
      }
      out.add(v);
    }
    return true;
  }
}

package io.ualwatch.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Where the console's TLS key and certificate come from: either a PEM pair (the certificate chain, server
 * certificate first, and its unencrypted PKCS#8 private key) or a PKCS#12 keystore whose password is read from
 * a file or an environment variable, never from the command line. Only the places are held here (so that the
 * record can be printed); the material is read by {@link #sslContext()}, which fails with a message saying
 * what is wrong and what to do.
 *
 * @param certificateChain PEM file with the server certificate and its intermediates (with {@code privateKey})
 * @param privateKey PEM file with the unencrypted PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----})
 * @param keystore PKCS#12 file with the key and its certificate chain (instead of the PEM pair)
 * @param keystorePasswordFile file whose first line is the keystore password
 * @param keystorePasswordEnv name of the environment variable holding the keystore password
 */
public record TlsMaterial(Path certificateChain, Path privateKey, Path keystore, Path keystorePasswordFile,
    String keystorePasswordEnv) {
  /** The protocols the console speaks, newest first; nothing older than TLS 1.2. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private static final Pattern PEM = Pattern.compile(
      "(?s)-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----");

  public TlsMaterial {
    if (keystorePasswordEnv != null && keystorePasswordEnv.isBlank()) keystorePasswordEnv = null;
    boolean pem = certificateChain != null || privateKey != null;
    if (pem && keystore != null) {
      throw new IllegalArgumentException("give either a PEM certificate and key or a PKCS#12 keystore for TLS, not both");
    }
    if (pem && (certificateChain == null || privateKey == null)) {
      throw new IllegalArgumentException("TLS from PEM files needs both the certificate chain and its private key");
    }
    if (!pem && keystore == null) {
      throw new IllegalArgumentException("TLS needs a PEM certificate and key, or a PKCS#12 keystore");
    }
    if (keystore != null && (keystorePasswordFile == null) == (keystorePasswordEnv == null)) {
      throw new IllegalArgumentException("the PKCS#12 keystore " + keystore + " needs its password from exactly one "
          + "place: a password file or an environment variable");
    }
    if (keystore == null && (keystorePasswordFile != null || keystorePasswordEnv != null)) {
      throw new IllegalArgumentException("a keystore password was given without a PKCS#12 keystore");
    }
  }

  /** A PEM certificate chain (server certificate first) and its unencrypted PKCS#8 private key. */
  public static TlsMaterial pem(Path certificateChain, Path privateKey) {
    return new TlsMaterial(certificateChain, privateKey, null, null, null);
  }

  /** A PKCS#12 keystore with its password in a file (first line). */
  public static TlsMaterial pkcs12WithPasswordFile(Path keystore, Path passwordFile) {
    return new TlsMaterial(null, null, keystore, passwordFile, null);
  }

  /** A PKCS#12 keystore with its password in an environment variable. */
  public static TlsMaterial pkcs12WithPasswordEnv(Path keystore, String passwordEnv) {
    return new TlsMaterial(null, null, keystore, null, passwordEnv);
  }

  /**
   * Reads the key and certificates and builds the server's TLS context.
   *
   * @throws IllegalArgumentException saying which file is wrong and how (never quoting a password or a key)
   */
  public SSLContext sslContext() {
    return sslContext(System::getenv);
  }

  SSLContext sslContext(Function<String, String> env) {
    try {
      KeyStore ks;
      char[] password;
      if (keystore != null) {
        password = keystorePassword(env);
        ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
          ks.load(in, password);
        } catch (IOException e) {
          boolean badPassword = e.getCause() instanceof UnrecoverableKeyException
              || String.valueOf(e.getMessage()).contains("password");
          throw new IllegalArgumentException("cannot open the PKCS#12 keystore " + keystore + ": "
              + (badPassword ? "the password is wrong" : e.getMessage()), e);
        }
        String alias = null;
        for (String a : Collections.list(ks.aliases())) {
          if (ks.isKeyEntry(a)) {
            alias = a;
            break;
          }
        }
        if (alias == null) {
          throw new IllegalArgumentException("the keystore " + keystore + " holds no private key: it needs the "
              + "server's key with its certificate chain (e.g. openssl pkcs12 -export -inkey key.pem -in chain.pem)");
        }
        if (ks.getCertificate(alias) instanceof X509Certificate c) checkValidity(c, keystore);
      } else {
        List<X509Certificate> chain = readChain(certificateChain);
        PrivateKey key = readKey(privateKey);
        checkValidity(chain.get(0), certificateChain);
        if (!belongTogether(key, chain.get(0))) {
          throw new IllegalArgumentException("the private key " + privateKey + " does not belong to the first "
              + "certificate of " + certificateChain + " (the server certificate must come first in the chain)");
        }
        password = new char[24];
        SecureRandom r = new SecureRandom();
        for (int i = 0; i < password.length; i++) password[i] = (char) ('a' + r.nextInt(26));
        ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("console", key, password, chain.toArray(new X509Certificate[0]));
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      try {
        kmf.init(ks, password);
      } catch (UnrecoverableKeyException e) {
        throw new IllegalArgumentException("the key in " + keystore + " has another password than the keystore: "
            + "give the key the keystore's password", e);
      } finally {
        Arrays.fill(password, '\0');
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot set up TLS from " + describe() + ": " + e.getMessage(), e);
    }
  }

  /** TLS 1.2/1.3 only, and of the context's default cipher suites only those with forward secrecy and AEAD. */
  static SSLParameters serverParameters(SSLContext ctx) {
    SSLParameters p = ctx.getDefaultSSLParameters();
    List<String> supported = Arrays.asList(ctx.getSupportedSSLParameters().getProtocols());
    p.setProtocols(PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new));
    List<String> suites = new ArrayList<>();
    for (String s : p.getCipherSuites()) {
      boolean tls13 = s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_");
      boolean strong12 = (s.contains("_ECDHE_") || s.contains("_DHE_")) && (s.contains("_GCM_") || s.contains("CHACHA20"));
      if (tls13 || strong12 || s.equals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")) suites.add(s);
    }
    p.setCipherSuites(suites.toArray(String[]::new));
    p.setNeedClientAuth(false);
    return p;
  }

  private String describe() {
    return keystore != null ? "the keystore " + keystore : certificateChain + " and " + privateKey;
  }

  private char[] keystorePassword(Function<String, String> env) {
    String pw;
    if (keystorePasswordFile != null) {
      try {
        pw = Files.readString(keystorePasswordFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the keystore password file " + keystorePasswordFile + ": "
            + e.getMessage(), e);
      }
      int nl = pw.indexOf('\n');
      if (nl >= 0) pw = pw.substring(0, nl);
      if (pw.endsWith("\r")) pw = pw.substring(0, pw.length() - 1);
      if (pw.isEmpty()) throw new IllegalArgumentException("the keystore password file " + keystorePasswordFile + " is empty");
    } else {
      pw = env.apply(keystorePasswordEnv);
      if (pw == null || pw.isEmpty()) {
        throw new IllegalArgumentException("the environment variable " + keystorePasswordEnv + " (the password of "
            + keystore + ") is not set or empty");
      }
    }
    return pw.toCharArray();
  }

  private static List<X509Certificate> readChain(Path file) throws IOException, CertificateException {
    String text = read(file, "certificate chain");
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> chain = new ArrayList<>();
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      if (!m.group(1).equals("CERTIFICATE")) continue;
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      chain.add((X509Certificate) cf.generateCertificate(new java.io.ByteArrayInputStream(der)));
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("no PEM certificate ('-----BEGIN CERTIFICATE-----') in " + file);
    }
    return chain;
  }

  private static PrivateKey readKey(Path file) throws IOException {
    String text = read(file, "private key");
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      String label = m.group(1);
      switch (label) {
        case "PRIVATE KEY" -> {
          byte[] der = Base64.getMimeDecoder().decode(m.group(2));
          for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
              return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
              // not this algorithm
            }
          }
          throw new IllegalArgumentException("the PKCS#8 key in " + file + " is not an RSA, EC or EdDSA key");
        }
        case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("the private key " + file
            + " is encrypted: give an unencrypted PKCS#8 key readable only by the console's user "
            + "(openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8), or a PKCS#12 keystore with a password file");
        case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new IllegalArgumentException("the private key " + file
            + " is in the old '" + label + "' format: convert it to PKCS#8 with "
            + "openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        default -> {
          // certificates or parameters in the same file: look further
        }
      }
    }
    throw new IllegalArgumentException("no PEM private key ('-----BEGIN PRIVATE KEY-----') in " + file);
  }

  private static String read(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the TLS " + what + " " + file + ": " + e.getMessage(), e);
    }
  }

  private static void checkValidity(X509Certificate c, Path file) {
    try {
      c.checkValidity();
    } catch (CertificateExpiredException e) {
      throw new IllegalArgumentException("the TLS certificate in " + file + " expired on " + c.getNotAfter().toInstant()
          + ": renew it", e);
    } catch (CertificateException e) {
      // not valid yet: a clock a little behind the CA's; browsers will say so
    }
  }

  private static boolean belongTogether(PrivateKey key, X509Certificate cert) {
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      default -> null;
    };
    if (alg == null) return true; // nothing to check with: the handshake will tell
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature sign = Signature.getInstance(alg);
      sign.initSign(key);
      sign.update(probe);
      byte[] sig = sign.sign();
      Signature verify = Signature.getInstance(alg);
      verify.initVerify(cert.getPublicKey());
      verify.update(probe);
      return verify.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}

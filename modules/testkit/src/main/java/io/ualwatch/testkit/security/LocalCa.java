package io.ualwatch.testkit.security;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for loopback services (the secure embedded broker, the console's TLS in
 * tests): an EC P-256 CA that signs server/client certificates for 127.0.0.1 and localhost. The CA's private
 * key lives only in memory; what is written is the CA certificate (PEM, to trust) and PKCS#12 key stores with a
 * random password in a file readable by the owner only.
 */
public final class LocalCa {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final KeyPair caKeys;
  private final X509Certificate caCert;

  private LocalCa(KeyPair caKeys, X509Certificate caCert) {
    this.caKeys = caKeys;
    this.caCert = caCert;
  }

  /** A new CA valid for {@code validity}. */
  public static LocalCa create(String name, Duration validity) {
    try {
      KeyPair keys = ecKeys();
      X500Name subject = new X500Name("CN=" + name);
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(validity)), subject, keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new LocalCa(keys, sign(b, keys));
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("could not create the local CA: " + e.getMessage(), e);
    }
  }

  public X509Certificate certificate() {
    return caCert;
  }

  /** Writes the CA certificate as PEM (what clients trust). */
  public Path writeCertificate(Path file) {
    return writeOwnerOnly(file, pem(caCert));
  }

  /**
   * Issues a certificate for {@code commonName} with SANs 127.0.0.1, ::1 and localhost (server and client
   * authentication), and writes it with its key and the CA certificate to a PKCS#12 store.
   *
   * @return the store's random password (also written to {@code passwordFile}, mode 0600)
   */
  public String issuePkcs12(String commonName, Duration validity, Path storeFile, Path passwordFile) {
    try {
      KeyPair keys = ecKeys();
      X509Certificate cert = issue(commonName, validity, keys);
      String password = HexFormat.of().formatHex(randomBytes(16));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(commonName, keys.getPrivate(), password.toCharArray(), new Certificate[] {cert, caCert});
      Files.createDirectories(storeFile.toAbsolutePath().getParent());
      try (OutputStream out = Files.newOutputStream(storeFile)) {
        ks.store(out, password.toCharArray());
      }
      restrict(storeFile);
      writeOwnerOnly(passwordFile, password);
      return password;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("could not issue a certificate for " + commonName + ": " + e.getMessage(), e);
    }
  }

  /** Issues a certificate and writes it and its unencrypted PKCS#8 key as two PEM files. */
  public void issuePem(String commonName, Duration validity, Path certFile, Path keyFile) {
    try {
      KeyPair keys = ecKeys();
      X509Certificate cert = issue(commonName, validity, keys);
      writeOwnerOnly(certFile, pem(cert) + pem(caCert));
      StringWriter w = new StringWriter();
      try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
        pw.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null));
      }
      writeOwnerOnly(keyFile, w.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("could not issue a certificate for " + commonName + ": " + e.getMessage(), e);
    }
  }

  private X509Certificate issue(String commonName, Duration validity, KeyPair keys)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(now.minusSeconds(60)),
        Date.from(now.plus(validity)), new X500Name("CN=" + commonName), keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.iPAddress, "::1"),
        new GeneralName(GeneralName.dNSName, "localhost")}));
    return sign(b, caKeys);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(b.build(s));
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).abs().add(BigInteger.ONE);
  }

  static String pem(X509Certificate c) {
    try {
      StringWriter w = new StringWriter();
      try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
        pw.writeObject(c);
      }
      return w.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes text to a file readable and writable by the owner only (created so, never world-readable). */
  public static Path writeOwnerOnly(Path file, String text) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.deleteIfExists(file);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** A random password (hex, 128 bits). */
  public static String randomPassword() {
    return HexFormat.of().formatHex(randomBytes(16));
  }
}

package io.ualwatch.connector.support;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/** Self-signed RSA certificates made with the JDK's keytool, for certificate-credential tests. */
public final class TestCerts {
  public record Cert(Path pkcs12, String password, Path pem, X509Certificate certificate, PrivateKey key) {}

  private TestCerts() {}

  public static Cert create(Path dir, String name) throws Exception {
    Path p12 = dir.resolve(name + ".p12");
    String pw = "test-pass-" + name;
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048",
        "-sigalg", "SHA256withRSA", "-validity", "30", "-dname", "CN=" + name, "-storetype", "PKCS12", "-keystore",
        p12.toString(), "-storepass", pw, "-keypass", pw).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("keytool: " + out);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, pw.toCharArray());
    }
    PrivateKey key = (PrivateKey) ks.getKey(name, pw.toCharArray());
    X509Certificate cert = (X509Certificate) ks.getCertificate(name);
    Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    String pem = "-----BEGIN PRIVATE KEY-----\n" + mime.encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n"
        + "-----BEGIN CERTIFICATE-----\n" + mime.encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    Path pemFile = dir.resolve(name + ".pem");
    Files.writeString(pemFile, pem);
    return new Cert(p12, pw, pemFile, cert, key);
  }
}

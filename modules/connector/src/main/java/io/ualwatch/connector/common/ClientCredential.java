package io.ualwatch.connector.common;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Enumeration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/** How the app proves itself to the token endpoint: a client secret or a certificate (JWT client assertion). */
public sealed interface ClientCredential {
  /** Adds the credential's form fields (after {@code client_id=…}); {@code tokenUrl} is the assertion's aud. */
  String formFields(String clientId, String tokenUrl, Instant now);

  /** Client secret. toString never shows it. */
  record Secret(String value) implements ClientCredential {
    @Override
    public String formFields(String clientId, String tokenUrl, Instant now) {
      return "client_secret=" + FormEncoding.encode(value);
    }

    @Override
    public String toString() {
      return "Secret[hidden]";
    }
  }

  /** Certificate: signs an RS256 assertion with header x5t = base64url SHA-1 thumbprint of the certificate. */
  record Certificate(PrivateKey key, X509Certificate certificate) implements ClientCredential {
    public Certificate {
      if (!"RSA".equals(key.getAlgorithm())) throw new ConfigException("the certificate's key must be RSA");
      if (key instanceof RSAKey rk && rk.getModulus().bitLength() < 2048) {
        throw new ConfigException("the certificate's RSA key must be at least 2048 bits");
      }
    }

    public String thumbprint() {
      try {
        byte[] d = MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The signed JWT: claims aud, iss, sub, jti, nbf, iat, exp (10 minutes). */
    public String assertion(String clientId, String tokenUrl, Instant now) {
      long t = now.getEpochSecond();
      String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5t\":\"" + thumbprint() + "\"}";
      String claims = "{\"aud\":" + q(tokenUrl) + ",\"iss\":" + q(clientId) + ",\"sub\":" + q(clientId)
          + ",\"jti\":\"" + UUID.randomUUID() + "\",\"nbf\":" + t + ",\"iat\":" + t + ",\"exp\":" + (t + 600) + "}";
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      String signingInput = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
          + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
      try {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(s.sign());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("signing the client assertion failed: " + e.getMessage(), e);
      }
    }

    @Override
    public String formFields(String clientId, String tokenUrl, Instant now) {
      return "client_assertion_type=" + FormEncoding.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
          + "&client_assertion=" + FormEncoding.encode(assertion(clientId, tokenUrl, now));
    }

    @Override
    public String toString() {
      return "Certificate[" + certificate.getSubjectX500Principal() + ", x5t=" + thumbprint() + "]";
    }

    private static String q(String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * Loads a PKCS#12 file ({@code .pfx}/{@code .p12}, with password) or a PEM file holding an unencrypted
     * PKCS#8 {@code PRIVATE KEY} and the {@code CERTIFICATE}.
     */
    public static Certificate load(Path path, String password) {
      try {
        byte[] bytes = Files.readAllBytes(path);
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".pfx") || name.endsWith(".p12")) return fromPkcs12(bytes, password);
        return fromPem(new String(bytes, StandardCharsets.US_ASCII));
      } catch (IOException e) {
        throw new ConfigException("cannot read the certificate file " + path + ": " + e.getMessage());
      }
    }

    static Certificate fromPkcs12(byte[] bytes, String password) {
      try (InputStream in = new ByteArrayInputStream(bytes)) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        char[] pw = password == null ? new char[0] : password.toCharArray();
        ks.load(in, pw);
        for (Enumeration<String> e = ks.aliases(); e.hasMoreElements(); ) {
          String alias = e.nextElement();
          if (!ks.isKeyEntry(alias)) continue;
          Key k = ks.getKey(alias, pw);
          if (k instanceof PrivateKey pk && ks.getCertificate(alias) instanceof X509Certificate c) {
            return new Certificate(pk, c);
          }
        }
        throw new ConfigException("the PKCS#12 file holds no private key with a certificate");
      } catch (IOException | GeneralSecurityException e) {
        // The keystore's message never contains the password.
        throw new ConfigException("cannot open the PKCS#12 certificate file (wrong password?): " + e.getMessage());
      }
    }

    private static final Pattern PEM = Pattern.compile(
        "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    static Certificate fromPem(String text) {
      PrivateKey key = null;
      X509Certificate cert = null;
      Matcher m = PEM.matcher(text);
      try {
        while (m.find()) {
          byte[] der = Base64.getMimeDecoder().decode(m.group(2));
          switch (m.group(1)) {
            case "PRIVATE KEY" -> key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            case "CERTIFICATE" -> {
              if (cert == null) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
              }
            }
            case "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY" -> throw new ConfigException(
                "PEM key must be unencrypted PKCS#8 ('BEGIN PRIVATE KEY'); convert with: "
                    + "openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem (or use a .pfx file)");
            default -> {
              // other blocks are ignored
            }
          }
        }
      } catch (GeneralSecurityException e) {
        throw new ConfigException("cannot read the PEM certificate file: " + e.getMessage());
      }
      if (key == null || cert == null) {
        throw new ConfigException("the PEM file must hold a 'PRIVATE KEY' and a 'CERTIFICATE' block");
      }
      return new Certificate(key, cert);
    }
  }
}

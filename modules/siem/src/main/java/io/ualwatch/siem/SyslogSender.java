package io.ualwatch.siem;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Sends syslog messages over TCP (RFC 6587 octet counting), TLS (RFC 5425, the same framing) or UDP (RFC 5426,
 * one message per datagram). Stream transports buffer until {@link #flush} and keep what they wrote since the
 * last flush: when the connection breaks they reconnect once and resend all of it; a second failure is thrown
 * (the Flink sink then fails and restarts from its last checkpoint). That is at-least-once up to the receiver's
 * TCP stack — syslog has no application-level acknowledgement — and alert ids are deterministic, so a
 * receiver that upserts by id is not confused by a resent message. Not thread-safe: one sender per writer.
 */
public abstract class SyslogSender implements AutoCloseable {
  protected final SyslogSettings settings;
  private long sent;
  private long bytes;
  private long truncated;

  protected SyslogSender(SyslogSettings settings) {
    this.settings = settings;
  }

  public static SyslogSender open(SyslogSettings s) throws IOException {
    return switch (s.protocol()) {
      case UDP -> new Udp(s);
      case TCP, TCP_TLS -> new Stream(s);
    };
  }

  /** Sends one message (without framing; the transport adds it). */
  public final void send(byte[] message) throws IOException {
    byte[] m = message;
    if (settings.protocol() == SyslogProtocol.UDP && m.length > settings.maxMessageBytes()) {
      m = cut(m, settings.maxMessageBytes());
      truncated++;
    }
    write(m);
    sent++;
    bytes += m.length;
  }

  protected abstract void write(byte[] message) throws IOException;

  public abstract void flush() throws IOException;

  @Override
  public abstract void close() throws IOException;

  public long sent() {
    return sent;
  }

  public long bytes() {
    return bytes;
  }

  public long truncated() {
    return truncated;
  }

  /** Cuts UTF-8 bytes to at most {@code max} without splitting a character. */
  static byte[] cut(byte[] b, int max) {
    int n = max;
    while (n > 0 && (b[n] & 0xC0) == 0x80) n--;
    byte[] out = new byte[n];
    System.arraycopy(b, 0, out, 0, n);
    return out;
  }

  /** RFC 6587 §3.4.1 / RFC 5425 §4.3: {@code MSG-LEN SP SYSLOG-MSG}, the length in octets. */
  public static byte[] octetCounted(byte[] message) {
    byte[] len = (message.length + " ").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[len.length + message.length];
    System.arraycopy(len, 0, out, 0, len.length);
    System.arraycopy(message, 0, out, len.length, message.length);
    return out;
  }

  /** TCP or TLS. */
  static final class Stream extends SyslogSender {
    /** Messages written since the last successful flush, resent after a reconnect. */
    private static final int MAX_PENDING = 10_000;
    private final java.util.List<byte[]> pending = new java.util.ArrayList<>();
    private final SSLContext tls;
    private Socket socket;
    private OutputStream out;

    Stream(SyslogSettings s) throws IOException {
      super(s);
      this.tls = s.protocol() == SyslogProtocol.TCP_TLS ? sslContext(s) : null;
      connect();
    }

    private void connect() throws IOException {
      int timeout = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
      Socket raw = new Socket();
      try {
        raw.connect(new InetSocketAddress(settings.host(), settings.port()), timeout);
        raw.setKeepAlive(true);
        raw.setTcpNoDelay(true);
        if (tls != null) {
          SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(raw, settings.host(), settings.port(), true);
          SSLParameters p = ssl.getSSLParameters();
          p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
          if (settings.verifyHostname()) p.setEndpointIdentificationAlgorithm("HTTPS");
          ssl.setSSLParameters(p);
          ssl.setSoTimeout(timeout);
          ssl.startHandshake();
          ssl.setSoTimeout(0);
          socket = ssl;
        } else {
          socket = raw;
        }
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
      } catch (IOException e) {
        raw.close();
        throw new IOException("cannot connect to " + settings + ": " + e.getMessage(), e);
      }
    }

    @Override
    protected void write(byte[] message) throws IOException {
      byte[] framed = octetCounted(message);
      pending.add(framed);
      try {
        out.write(framed);
      } catch (IOException first) {
        resend(first);
      }
      if (pending.size() >= MAX_PENDING) flush();
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException first) {
        resend(first);
        out.flush();
      }
      pending.clear();
    }

    /** The connection broke: reconnect once and resend everything written since the last flush. */
    private void resend(IOException cause) throws IOException {
      closeQuietly();
      try {
        connect();
        for (byte[] p : pending) out.write(p);
      } catch (IOException again) {
        again.addSuppressed(cause);
        throw again;
      }
    }

    private void closeQuietly() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // already broken
      }
    }

    @Override
    public void close() throws IOException {
      try {
        if (out != null && !socket.isClosed()) out.flush();
      } finally {
        if (socket != null) socket.close();
      }
    }
  }

  /** UDP: one datagram per message. */
  static final class Udp extends SyslogSender {
    private final DatagramSocket socket;
    private final InetSocketAddress target;

    Udp(SyslogSettings s) throws IOException {
      super(s);
      target = new InetSocketAddress(s.host(), s.port());
      if (target.isUnresolved()) throw new IOException("cannot resolve syslog host " + s.host());
      socket = new DatagramSocket();
    }

    @Override
    protected void write(byte[] message) throws IOException {
      socket.send(new DatagramPacket(message, message.length, target));
    }

    @Override
    public void flush() {
      // datagrams are not buffered
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  static SSLContext sslContext(SyslogSettings s) throws IOException {
    try {
      TrustManager[] trust = null;
      if (!s.truststore().isBlank()) {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(s.truststore(), s.truststorePassword()));
        trust = tmf.getTrustManagers();
      }
      KeyManager[] keys = null;
      if (!s.keystore().isBlank()) {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(s.keystore(), s.keystorePassword()), s.keystorePassword().toCharArray());
        keys = kmf.getKeyManagers();
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys, trust, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("syslog TLS setup failed: " + e.getMessage(), e);
    }
  }

  /** A PKCS#12 or JKS key store (the JDK detects the type from the file). */
  static KeyStore load(String file, String password) throws IOException, GeneralSecurityException {
    char[] pw = password == null || password.isEmpty() ? null : password.toCharArray();
    if (!Files.isReadable(Path.of(file))) throw new IOException("cannot read key store " + file);
    return KeyStore.getInstance(Path.of(file).toFile(), pw);
  }
}

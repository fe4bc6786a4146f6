package io.ualwatch.siem;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;

/**
 * A loopback syslog receiver for tests: TCP or TLS with octet-counting framing (every frame is checked and
 * parsed as RFC 5424), or UDP (one message per datagram). Messages it could not read are kept as errors.
 */
final class SyslogReceiver implements AutoCloseable {
  final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
  final List<String> errors = new CopyOnWriteArrayList<>();
  final List<String> tlsProtocols = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final DatagramSocket udp;
  private final Thread thread;
  private volatile boolean closed;

  private SyslogReceiver(ServerSocket server, DatagramSocket udp) {
    this.server = server;
    this.udp = udp;
    this.thread = new Thread(server != null ? this::acceptLoop : this::udpLoop, "syslog-receiver");
    thread.setDaemon(true);
    thread.start();
  }

  static SyslogReceiver tcp() throws IOException {
    return new SyslogReceiver(new ServerSocket(0, 50, InetAddress.getByName("localhost")), null);
  }

  static SyslogReceiver tls(SSLServerSocket s) {
    return new SyslogReceiver(s, null);
  }

  static SyslogReceiver udp() throws IOException {
    return new SyslogReceiver(null, new DatagramSocket(new InetSocketAddress(InetAddress.getByName("localhost"), 0)));
  }

  int port() {
    return server != null ? server.getLocalPort() : udp.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> read(s), "syslog-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) errors.add("accept: " + e);
        return;
      }
    }
  }

  private void read(Socket s) {
    try (s; InputStream in = new BufferedInputStream(s.getInputStream())) {
      if (s instanceof javax.net.ssl.SSLSocket ssl) tlsProtocols.add(ssl.getSession().getProtocol());
      byte[] f;
      while ((f = SyslogParser.readOctetCounted(in)) != null) frames.add(f);
    } catch (IOException | RuntimeException e) {
      if (!closed) errors.add("read: " + e);
    }
  }

  private void udpLoop() {
    byte[] buf = new byte[65_535];
    while (!closed) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        udp.receive(p);
        frames.add(java.util.Arrays.copyOf(p.getData(), p.getLength()));
      } catch (IOException e) {
        if (!closed) errors.add("udp: " + e);
        return;
      }
    }
  }

  /** The next message, waiting at most 10 s. */
  SyslogParser.Syslog next() throws InterruptedException {
    byte[] f = frames.poll(10, TimeUnit.SECONDS);
    if (f == null) throw new AssertionError("no syslog message within 10 s; errors: " + errors);
    return SyslogParser.parse(SyslogParser.text(f));
  }

  byte[] nextRaw() throws InterruptedException {
    byte[] f = frames.poll(10, TimeUnit.SECONDS);
    if (f == null) throw new AssertionError("no syslog message within 10 s; errors: " + errors);
    return f;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    if (server != null) server.close();
    if (udp != null) udp.close();
  }
}

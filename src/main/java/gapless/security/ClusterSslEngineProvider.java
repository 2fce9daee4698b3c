package gapless.security;

import akka.actor.ActorSystem;
import akka.remote.artery.tcp.ConfigSSLEngineProvider;
import gapless.events.PeerRefused;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * Akka's own provider of Artery's TLS engines ({@code akka.remote.artery.ssl.config-ssl-engine}:
 * keystores, mutual authentication, host names), whose engines also report a refused connection
 * as a {@link PeerRefused} on the event stream: at most one per peer every ten seconds, with how
 * many more there were, so that a stranger knocking all day cannot flood the event log.
 */
public final class ClusterSslEngineProvider extends ConfigSSLEngineProvider {

  private static final long QUIET_NANOS = 10_000_000_000L;

  private final ActorSystem system;
  private final ConcurrentHashMap<String, Throttle> throttles = new ConcurrentHashMap<>();

  /** What was said last about a peer, and how many refusals went unsaid since. */
  private static final class Throttle {
    volatile long saidAt = System.nanoTime() - 2 * QUIET_NANOS;
    final AtomicLong unsaid = new AtomicLong();
  }

  public ClusterSslEngineProvider(ActorSystem system) {
    super(system);
    this.system = system;
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    return reporting(super.createServerSSLEngine(hostname, port), "inbound", subject -> {});
  }

  /**
   * A connection this node opens to {@code hostname:port}, a member's canonical address: the CN of
   * the certificate it shows there is published ({@link PeerIdentified}), for the node id check.
   */
  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    String peer = hostname + ":" + port;
    return reporting(super.createClientSSLEngine(hostname, port), peer,
        subject -> commonName(subject).ifPresent(cn -> system.eventStream().publish(new PeerIdentified(peer, cn))));
  }

  private SSLEngine reporting(SSLEngine engine, String peer, Consumer<String> onPeerSubject) {
    return new ReportingSslEngine(engine, (e, subject) -> refused(peer, e, subject), onPeerSubject);
  }

  /** The CN of an RFC 2253 subject ({@code O=Gapless,CN=s1}), which gapless certs sets to the node id. */
  static Optional<String> commonName(String subject) {
    try {
      return new LdapName(subject).getRdns().stream().filter(r -> r.getType().equalsIgnoreCase("CN"))
          .map(r -> String.valueOf(r.getValue())).findFirst();
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }

  private void refused(String peer, SSLException e, String subject) {
    Throttle t = throttles.computeIfAbsent(peer, p -> new Throttle());
    long now = System.nanoTime();
    if (now - t.saidAt < QUIET_NANOS) {
      t.unsaid.incrementAndGet();
      return;
    }
    t.saidAt = now;
    long more = t.unsaid.getAndSet(0);
    String detail = String.valueOf(e.getMessage()) + (subject.isEmpty() ? "" : " (peer certificate " + subject + ")")
        + (more == 0 ? "" : "; " + more + " more refused since the last report");
    system.eventStream().publish(new PeerRefused(peer, detail));
  }
}

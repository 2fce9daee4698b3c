package gapless.events;

/**
 * A connection between nodes that TLS refused (published on the actor system's event stream by
 * the SSL engine provider; the {@link EventLog} writes it as {@code PEER_REFUSED}).
 *
 * @param peer   {@code host:port} for a connection this node opened; "inbound" for one it accepted
 *               (Akka does not tell the engine where an accepted connection came from)
 * @param detail why, with the peer certificate's subject when the handshake got that far
 */
public record PeerRefused(String peer, String detail) {}

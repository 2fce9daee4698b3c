package gapless.security;

import akka.actor.NoSerializationVerificationNeeded;

/**
 * A node this node connected to showed a certificate of the cluster CA naming {@code certifiedId}
 * (its CN): published on the actor system's event stream, so that the cluster can check the node
 * id that the member at {@code hostPort} claims against the one its certificate was made for.
 */
public record PeerIdentified(String hostPort, String certifiedId) implements NoSerializationVerificationNeeded {}

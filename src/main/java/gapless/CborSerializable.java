package gapless;

/**
 * Marker for every message and event that crosses a node or goes to a journal. Bound once, in
 * {@code gapless-akka.conf}, to Akka's Jackson CBOR serializer; Java serialization stays off.
 */
public interface CborSerializable {}

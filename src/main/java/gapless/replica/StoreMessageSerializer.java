package gapless.replica;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.SerializerWithStringManifest;
import gapless.replica.ReplicaProtocol.StoreAck;
import gapless.replica.ReplicaProtocol.StoreBatch;
import gapless.replica.ReplicaProtocol.StoreReply;
import gapless.replica.ReplicaProtocol.WriteKind;
import java.io.NotSerializableException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The write path's two messages, {@link StoreBatch} (a batch to each replica) and {@link StoreAck}
 * (each replica's answer), written field by field: they cross Artery once per batch and replica,
 * and Jackson's per-message work (the record's fields found by reflection, their names written and
 * read) is saved on each. Every other message stays Jackson CBOR.
 *
 * <p>Layouts (version 1 in the manifest; strings are a u16 length and UTF-8, integers big-endian):
 * <pre>
 *   StoreBatch "B1": collector, seq:i64, epoch:i64, kind (its name), replyTo (Akka's actor ref format), blob: i32 length, bytes
 *   StoreAck   "A1": node, collector, seq:i64
 * </pre>
 * Bound by class in {@code gapless-akka.conf}; a node without this serializer cannot read these
 * messages, so every node of a cluster runs the same version.
 */
public final class StoreMessageSerializer extends SerializerWithStringManifest {

  private static final String BATCH = "B1";
  private static final String ACK = "A1";

  private final ExtendedActorSystem system;
  // Looked up at first use: serializers are created while the actor system starts.
  private volatile ActorRefResolver resolver;

  public StoreMessageSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  @Override
  public int identifier() {
    return 734_001;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof StoreBatch) {
      return BATCH;
    }
    if (o instanceof StoreAck) {
      return ACK;
    }
    throw new IllegalArgumentException("not a store message: " + o.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof StoreBatch b) {
      byte[] collector = utf8(b.collector());
      byte[] kind = utf8(b.kind().name());
      byte[] replyTo = utf8(resolver().toSerializationFormat(b.replyTo()));
      return ByteBuffer.allocate(3 * Short.BYTES + collector.length + kind.length + replyTo.length + 2 * Long.BYTES
              + Integer.BYTES + b.blob().length)
          .putShort((short) collector.length).put(collector).putLong(b.seq()).putLong(b.epoch())
          .putShort((short) kind.length).put(kind).putShort((short) replyTo.length).put(replyTo)
          .putInt(b.blob().length).put(b.blob()).array();
    }
    if (o instanceof StoreAck a) {
      byte[] node = utf8(a.node());
      byte[] collector = utf8(a.collector());
      return ByteBuffer.allocate(2 * Short.BYTES + node.length + collector.length + Long.BYTES)
          .putShort((short) node.length).put(node).putShort((short) collector.length).put(collector).putLong(a.seq()).array();
    }
    throw new IllegalArgumentException("not a store message: " + o.getClass().getName());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      switch (manifest) {
        case BATCH -> {
          String collector = string(in);
          long seq = in.getLong();
          long epoch = in.getLong();
          WriteKind kind = WriteKind.valueOf(string(in));
          ActorRef<StoreReply> replyTo = resolver().resolveActorRef(string(in));
          byte[] blob = new byte[in.getInt()];
          in.get(blob);
          return new StoreBatch(collector, seq, epoch, blob, kind, replyTo);
        }
        case ACK -> {
          return new StoreAck(string(in), string(in), in.getLong());
        }
        default -> throw new NotSerializableException("unknown store message manifest [" + manifest + "]");
      }
    } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
      throw new NotSerializableException("store message [" + manifest + "] out of shape: " + e);
    }
  }

  private ActorRefResolver resolver() {
    ActorRefResolver r = resolver;
    if (r == null) {
      r = ActorRefResolver.get(Adapter.toTyped(system));
      resolver = r;
    }
    return r;
  }

  private static byte[] utf8(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 0xFFFF) {
      throw new IllegalArgumentException("string of " + bytes.length + " bytes in a store message");
    }
    return bytes;
  }

  private static String string(ByteBuffer in) {
    byte[] bytes = new byte[in.getShort() & 0xFFFF];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}

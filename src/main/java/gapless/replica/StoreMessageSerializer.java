package gapless.replica;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.SerializerWithStringManifest;
import gapless.model.EncodedBatch;
import gapless.model.SeqEpochs;
import gapless.replica.ReplicaProtocol.BatchChunk;
import gapless.replica.ReplicaProtocol.StoreAck;
import gapless.replica.ReplicaProtocol.StoreBatch;
import gapless.replica.ReplicaProtocol.StoreReply;
import gapless.replica.ReplicaProtocol.WriteKind;
import java.io.NotSerializableException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages that carry batches and their acks, written field by field: {@link StoreBatch} (a
 * batch to each replica) and {@link StoreAck} (each replica's answer) cross Artery once per batch
 * and replica, and {@link BatchChunk} carries a recovery's batches (up to {@code
 * recovery.chunk-bytes} each). Jackson's per-message work (the record's fields found by
 * reflection, their names written and read, each blob copied through its buffers) is saved on
 * each. Every other message stays Jackson CBOR.
 *
 * <p>Layouts (version 1 in the manifest; strings are a u16 length and UTF-8, integers big-endian):
 * <pre>
 *   StoreBatch "B1": collector, seq:i64, epoch:i64, kind (its name), replyTo (Akka's actor ref format), blob: i32 length, bytes
 *   StoreAck   "A1": node, collector, seq:i64
 *   BatchChunk "C1": node, collector, fromSeq:i64, toSeq:i64, failure: u8 0 (none) or 1 then the string,
 *                    batches: i32 count, each seq:i64 and blob (i32 length, bytes),
 *                    epochs: i32 count of runs, each from:i64, to:i64, epoch:i64
 * </pre>
 * Bound by class in {@code gapless-akka.conf}; a node without this serializer cannot read these
 * messages, so every node of a cluster runs the same version.
 */
public final class StoreMessageSerializer extends SerializerWithStringManifest {

  private static final String BATCH = "B1";
  private static final String ACK = "A1";
  private static final String CHUNK = "C1";

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
    if (o instanceof BatchChunk) {
      return CHUNK;
    }
    throw new IllegalArgumentException("not a store message: " + o.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof StoreBatch b) {
      byte[] collector = utf8(b.collector());
      byte[] kind = utf8(b.kind().name());
      byte[] replyTo = utf8(resolver().toSerializationFormat(b.replyTo()));
      ByteBuffer out = ByteBuffer.allocate(3 * Short.BYTES + collector.length + kind.length + replyTo.length
          + 2 * Long.BYTES + Integer.BYTES + b.blob().length);
      put(out, collector).putLong(b.seq()).putLong(b.epoch());
      put(put(out, kind), replyTo);
      return out.putInt(b.blob().length).put(b.blob()).array();
    }
    if (o instanceof StoreAck a) {
      byte[] node = utf8(a.node());
      byte[] collector = utf8(a.collector());
      ByteBuffer out = ByteBuffer.allocate(2 * Short.BYTES + node.length + collector.length + Long.BYTES);
      return put(put(out, node), collector).putLong(a.seq()).array();
    }
    if (o instanceof BatchChunk c) {
      return chunk(c);
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
        case CHUNK -> {
          return chunk(in);
        }
        default -> throw new NotSerializableException("unknown store message manifest [" + manifest + "]");
      }
    } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
      throw new NotSerializableException("store message [" + manifest + "] out of shape: " + e);
    }
  }

  private static byte[] chunk(BatchChunk c) {
    byte[] node = utf8(c.node());
    byte[] collector = utf8(c.collector());
    // A failure is a short message; one too long for the u16 length is cut rather than lost.
    byte[] failure = c.failure() == null ? null : utf8(c.failure().length() > 8000 ? c.failure().substring(0, 8000) : c.failure());
    int size = 2 * Short.BYTES + node.length + collector.length + 2 * Long.BYTES + 1
        + (failure == null ? 0 : Short.BYTES + failure.length) + 2 * Integer.BYTES + c.epochs().runs().size() * 3 * Long.BYTES;
    for (EncodedBatch b : c.batches()) {
      size += Long.BYTES + Integer.BYTES + b.blob().length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    put(put(out, node), collector).putLong(c.fromSeq()).putLong(c.toSeq());
    if (failure == null) {
      out.put((byte) 0);
    } else {
      put(out.put((byte) 1), failure);
    }
    out.putInt(c.batches().size());
    for (EncodedBatch b : c.batches()) {
      out.putLong(b.seq()).putInt(b.blob().length).put(b.blob());
    }
    out.putInt(c.epochs().runs().size());
    for (SeqEpochs.Run r : c.epochs().runs()) {
      out.putLong(r.from()).putLong(r.to()).putLong(r.epoch());
    }
    return out.array();
  }

  private static BatchChunk chunk(ByteBuffer in) {
    String node = string(in);
    String collector = string(in);
    long fromSeq = in.getLong();
    long toSeq = in.getLong();
    String failure = in.get() == 0 ? null : string(in);
    int count = in.getInt();
    // Each batch takes at least 12 bytes: a count the bytes cannot hold is refused before a list is sized by it.
    if (count < 0 || count > in.remaining() / (Long.BYTES + Integer.BYTES)) {
      throw new IllegalArgumentException("batch count " + count);
    }
    List<EncodedBatch> batches = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long seq = in.getLong();
      byte[] blob = new byte[in.getInt()];
      in.get(blob);
      batches.add(new EncodedBatch(seq, blob));
    }
    int runs = in.getInt();
    if (runs < 0 || runs > in.remaining() / (3 * Long.BYTES)) {
      throw new IllegalArgumentException("epoch run count " + runs);
    }
    List<SeqEpochs.Run> epochs = new ArrayList<>(runs);
    for (int i = 0; i < runs; i++) {
      epochs.add(new SeqEpochs.Run(in.getLong(), in.getLong(), in.getLong()));
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException(in.remaining() + " bytes after the chunk");
    }
    return new BatchChunk(node, collector, fromSeq, toSeq, batches, new SeqEpochs(epochs), failure);
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

  /** Writes {@code utf8} (from {@link #utf8}) as a u16 length and the bytes. */
  private static ByteBuffer put(ByteBuffer out, byte[] utf8) {
    return out.putShort((short) utf8.length).put(utf8);
  }

  private static String string(ByteBuffer in) {
    byte[] bytes = new byte[in.getShort() & 0xFFFF];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}

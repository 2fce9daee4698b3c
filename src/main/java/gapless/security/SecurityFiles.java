package gapless.security;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The files of a cluster's security directory ({@code gapless.security.dir}), as {@code gapless
 * certs} writes them. A node needs {@code ca.crt}, {@code truststore.p12}, its own
 * {@code <node>.p12}, {@code keystore.pass} and {@code tokens}; {@code ca.p12} (the CA's key) and
 * {@code initial-tokens.txt} belong on the operator's machine, not on the servers.
 */
public record SecurityFiles(Path dir) {

  public Path caPem() {
    return dir.resolve("ca.crt");
  }

  /** The CA's private key: what signs new node certificates. */
  public Path caKeystore() {
    return dir.resolve("ca.p12");
  }

  public Path truststore() {
    return dir.resolve("truststore.p12");
  }

  public Path nodeKeystore(String nodeId) {
    return dir.resolve(nodeId + ".p12");
  }

  /** The password of every keystore here (one line; readable by the nodes' user only). */
  public Path passwordFile() {
    return dir.resolve("keystore.pass");
  }

  /** The API tokens' names, scopes and SHA-256 hashes: what the nodes check a bearer token against. */
  public Path tokenHashes() {
    return dir.resolve("tokens");
  }

  /** The tokens themselves, as made: for the operator, once. */
  public Path initialTokens() {
    return dir.resolve("initial-tokens.txt");
  }

  /** The keystores' password, made with {@code random} when there is none yet. */
  char[] keystorePassword(SecureRandom random) throws IOException {
    if (!Files.exists(passwordFile())) {
      byte[] bytes = new byte[24];
      random.nextBytes(bytes);
      String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "\n";
      writePrivate(passwordFile(), out -> out.write(password.getBytes(StandardCharsets.US_ASCII)));
    }
    return keystorePassword();
  }

  /** The keystores' password. */
  public char[] keystorePassword() {
    try {
      return Files.readString(passwordFile(), StandardCharsets.US_ASCII).strip().toCharArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the keystore password " + passwordFile() + " (made by gapless certs)", e);
    }
  }

  /** What writes a secret file's content. */
  interface Content {
    void writeTo(OutputStream out) throws IOException, GeneralSecurityException;
  }

  /**
   * Creates or replaces {@code file}, readable and writable by its owner only (mode 600): written
   * to a new file beside it, forced to disk, then moved over it, so a reader never sees half a
   * keystore and a failed write leaves the old file as it was.
   */
  static void writePrivate(Path file, Content content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
           OutputStream out = Channels.newOutputStream(channel)) {
        content.writeTo(out);
        out.flush();
        channel.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e instanceof IOException io ? io : new IOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}

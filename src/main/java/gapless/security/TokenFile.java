package gapless.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's token hashes, read again when the file changes (looked at once a second at most), so
 * that a token is added or revoked without a restart. A file that cannot be read or parsed keeps
 * the tokens last read, and says why in the log.
 */
public final class TokenFile {

  private static final Logger log = LoggerFactory.getLogger(TokenFile.class);
  private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

  private final Path file;
  private volatile ApiTokens tokens;
  private volatile FileTime readAt;
  private volatile long checkedAt;

  /** Reads {@code file} now: a node does not start without its tokens. */
  public TokenFile(Path file) {
    this.file = file;
    this.readAt = modified();
    this.tokens = ApiTokens.read(file);
    this.checkedAt = System.nanoTime();
  }

  public ApiTokens current() {
    long now = System.nanoTime();
    if (now - checkedAt > CHECK_EVERY_NANOS) {
      checkedAt = now;
      reloadIfChanged();
    }
    return tokens;
  }

  private synchronized void reloadIfChanged() {
    FileTime modified = modified();
    if (modified == null || modified.equals(readAt)) {
      return;
    }
    try {
      tokens = ApiTokens.read(file);
      readAt = modified;
      log.info("API tokens read again from {}: {} tokens", file, tokens.grants().size());
    } catch (RuntimeException e) {
      log.error("cannot read the changed API tokens in {}; the tokens read before stay: {}", file, e.getMessage());
      readAt = modified;
    }
  }

  private FileTime modified() {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return null;
    }
  }
}

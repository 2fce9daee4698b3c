package gapless.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The API's bearer tokens, as the nodes know them: a name, a scope and the token's SHA-256 hash,
 * one per line of {@link SecurityFiles#tokenHashes()}:
 *
 * <pre>
 * admin  admin       9f86d0...
 * writer write:*     60303a...
 * line-3 write:l3-*  2c26b4...
 * reader read        fcde2b...
 * </pre>
 *
 * A token is 32 random bytes, so a plain hash is as strong as a slow one; a node keeps only the
 * hashes, and compares them in constant time with every grant's (no early exit that could tell
 * how much of a guess was right). Tokens never appear in logs or answers, only their names.
 */
public final class ApiTokens {

  /** What a token may do; {@code admin} may do everything. */
  public enum Scope {
    /** Queries, status, events, metrics. */
    READ,
    /** Ingest, into the collectors its patterns match. */
    WRITE,
    /** Everything, and what changes the cluster's state (a collector's STOPPED status). */
    ADMIN
  }

  /**
   * One token's rights.
   *
   * @param collectors for {@code write}: the collector id globs it may write ({@code *} matches any run of characters)
   */
  public record Grant(String name, Scope scope, List<String> collectors, byte[] hash) {

    public boolean allows(Scope needed) {
      return scope == Scope.ADMIN || scope == needed;
    }

    /** Whether this token may write to {@code collector}. */
    public boolean mayWrite(String collector) {
      return scope == Scope.ADMIN || scope == Scope.WRITE && collectors.stream().anyMatch(g -> glob(g).matcher(collector).matches());
    }

    /** The line of the hash file. */
    String line() {
      String s = scope.name().toLowerCase(Locale.ROOT) + (scope == Scope.WRITE ? ":" + String.join(",", collectors) : "");
      return name + " " + s + " " + HexFormat.of().formatHex(hash);
    }
  }

  private static final String PREFIX = "gpl_";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Map<String, Pattern> GLOBS = new ConcurrentHashMap<>();

  private final List<Grant> grants;

  private ApiTokens(List<Grant> grants) {
    this.grants = List.copyOf(grants);
  }

  public static ApiTokens of(List<Grant> grants) {
    return new ApiTokens(grants);
  }

  public List<Grant> grants() {
    return grants;
  }

  /** The grant of {@code token}, if it is one of these. Every hash is compared, found or not. */
  public Optional<Grant> find(String token) {
    byte[] hash = hash(token);
    Grant found = null;
    for (Grant g : grants) {
      if (MessageDigest.isEqual(g.hash(), hash) && found == null) {
        found = g;
      }
    }
    return Optional.ofNullable(found);
  }

  /** A new random token. */
  public static String newToken(SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * A grant for {@code token} from a scope as written on the command line or in the file:
   * {@code read}, {@code admin}, {@code write} (any collector) or {@code write:GLOB[,GLOB...]}.
   */
  public static Grant grant(String name, String scope, String token) {
    return grant(name, scope, hash(token), name);
  }

  private static Grant grant(String name, String scope, byte[] hash, String where) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(where + ": a token name is 1-64 letters, digits, '.', '_' or '-', not '" + name + "'");
    }
    String[] parts = scope.split(":", 2);
    Scope s;
    try {
      s = Scope.valueOf(parts[0].toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": scope must be read, write, write:GLOB[,GLOB] or admin, not '" + scope + "'");
    }
    if (parts.length == 2 && s != Scope.WRITE) {
      throw new IllegalArgumentException(where + ": only write takes collector patterns ('" + scope + "')");
    }
    List<String> collectors = s != Scope.WRITE ? List.of()
        : parts.length == 1 ? List.of("*") : List.of(parts[1].split(","));
    if (collectors.stream().anyMatch(c -> !c.matches("[A-Za-z0-9._*-]+"))) {
      throw new IllegalArgumentException(where + ": collector patterns are ids with '*', not '" + parts[1] + "'");
    }
    return new Grant(name, s, collectors, hash);
  }

  /**
   * Makes an {@code admin}, a {@code writer} (any collector) and a {@code reader} token: writes their
   * hashes to {@link SecurityFiles#tokenHashes()} and the tokens, one {@code name token} a line, to
   * {@link SecurityFiles#initialTokens()} (both mode 600).
   *
   * @return the lines of the tokens file, to be shown once
   */
  public static String createInitial(SecurityFiles files, SecureRandom random) {
    StringBuilder text = new StringBuilder();
    List<Grant> grants = new ArrayList<>();
    for (String[] nameScope : new String[][] {{"admin", "admin"}, {"writer", "write"}, {"reader", "read"}}) {
      String token = newToken(random);
      grants.add(grant(nameScope[0], nameScope[1], token));
      text.append(nameScope[0]).append(' ').append(token).append('\n');
    }
    of(grants).write(files.tokenHashes());
    writePrivate(files.initialTokens(), text.toString());
    return text.toString();
  }

  /** Reads the hash file; a bad line is refused with its number. */
  public static ApiTokens read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the API tokens " + file + " (made by gapless certs)", e);
    }
    List<Grant> grants = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = file + " line " + (i + 1);
      String[] f = line.split("\\s+");
      if (f.length != 3 || !f[2].matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(where + ": expected 'name scope sha256-hex'");
      }
      if (grants.stream().anyMatch(g -> g.name().equals(f[0]))) {
        throw new IllegalArgumentException(where + ": token name " + f[0] + " appears twice");
      }
      grants.add(grant(f[0], f[1], HexFormat.of().parseHex(f[2]), where));
    }
    return new ApiTokens(grants);
  }

  /** Writes the hash file (mode 600). */
  public void write(Path file) {
    StringBuilder text = new StringBuilder("# name scope sha256(token): written by gapless certs\n");
    grants.forEach(g -> text.append(g.line()).append('\n'));
    writePrivate(file, text.toString());
  }

  private static void writePrivate(Path file, String text) {
    try {
      SecurityFiles.writePrivate(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A collector id glob as a pattern, compiled once. */
  private static Pattern glob(String glob) {
    return GLOBS.computeIfAbsent(glob, g ->
        Pattern.compile(Arrays.stream(g.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*"))));
  }
}

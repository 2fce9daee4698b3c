package gapless.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.security.ApiTokens.Grant;
import gapless.security.ApiTokens.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokensTest {

  @TempDir
  Path dir;

  private final SecureRandom random = new SecureRandom();

  @Test
  void initialTokensAreShownOnceAndOnlyTheirHashesKept() throws IOException {
    SecurityFiles files = new SecurityFiles(dir);
    String shown = ApiTokens.createInitial(files, random);
    List<String> lines = shown.lines().toList();
    assertEquals(List.of("admin", "writer", "reader"), lines.stream().map(l -> l.split(" ")[0]).toList());
    assertEquals(shown, Files.readString(files.initialTokens()));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.initialTokens())));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.tokenHashes())));
    String hashes = Files.readString(files.tokenHashes());
    ApiTokens tokens = ApiTokens.read(files.tokenHashes());
    for (String line : lines) {
      String token = line.split(" ")[1];
      assertFalse(hashes.contains(token), "the nodes keep hashes only");
      assertEquals(line.split(" ")[0], tokens.find(token).orElseThrow().name());
    }
    assertTrue(tokens.find("gpl_" + "x".repeat(43)).isEmpty());
  }

  @Test
  void scopes() {
    Grant reader = ApiTokens.grant("r", "read", "t1");
    Grant writer = ApiTokens.grant("w", "write", "t2");
    Grant line3 = ApiTokens.grant("l3", "write:l3-*,oven", "t3");
    Grant admin = ApiTokens.grant("a", "admin", "t4");
    assertTrue(reader.allows(Scope.READ) && !reader.allows(Scope.WRITE) && !reader.mayWrite("c"));
    assertTrue(writer.mayWrite("anything") && !writer.allows(Scope.READ) && !writer.allows(Scope.ADMIN));
    assertTrue(line3.mayWrite("l3-press") && line3.mayWrite("oven"));
    assertFalse(line3.mayWrite("l4-press") || line3.mayWrite("oven-2") || line3.mayWrite("xl3-press"));
    assertTrue(admin.allows(Scope.READ) && admin.allows(Scope.WRITE) && admin.allows(Scope.ADMIN) && admin.mayWrite("c"));
  }

  @Test
  void aHashFileWritesAndReadsBack() {
    Path file = dir.resolve("tokens");
    ApiTokens.of(List.of(ApiTokens.grant("l3", "write:l3-*", "t3"), ApiTokens.grant("r", "read", "t1"))).write(file);
    ApiTokens back = ApiTokens.read(file);
    assertEquals(List.of("l3", "r"), back.grants().stream().map(Grant::name).toList());
    assertEquals(List.of("l3-*"), back.find("t3").orElseThrow().collectors());
  }

  @Test
  void aBadLineIsRefusedWithItsNumber() throws IOException {
    Path file = dir.resolve("tokens");
    String hash = "0".repeat(64);
    Files.writeString(file, "# comment\nr read " + hash + "\nw root " + hash + "\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiTokens.read(file));
    assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("scope must be"), e.getMessage());
    Files.writeString(file, "r read " + hash + "\nr admin " + hash + "\n");
    e = assertThrows(IllegalArgumentException.class, () -> ApiTokens.read(file));
    assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
    Files.writeString(file, "r read:x " + hash + "\n");
    e = assertThrows(IllegalArgumentException.class, () -> ApiTokens.read(file));
    assertTrue(e.getMessage().contains("only write takes collector patterns"), e.getMessage());
  }

  @Test
  void tokensAreLongAndRandom() {
    String a = ApiTokens.newToken(random);
    assertTrue(a.startsWith("gpl_") && a.length() == 4 + 43, a);
    assertFalse(a.equals(ApiTokens.newToken(random)));
  }
}

package gapless.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Real full disks for the nodes of a {@link LocalCluster}: a small tmpfs mounted on a node's data
 * directory before it starts, filled with a file of zeros up to a chosen free space, and freed by
 * deleting that file. {@link #close} (and a shutdown hook) unmounts every filesystem it mounted,
 * so none outlives a test even when it fails. Needs root and the {@code mount} command.
 */
public final class DiskFaults implements AutoCloseable {

  /** The file that takes the space; one per filesystem, at its top. */
  static final String FILL = "gapless-disk-fill";

  private final List<Path> mounted = new ArrayList<>();
  private final Thread cleanup = new Thread(this::unmountAll, "gapless-disk-faults-cleanup");
  private boolean closed;

  private DiskFaults() {}

  /** Why full disks cannot be made here (not root, no mount), or empty when they can. */
  public static Optional<String> unavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("full disks need root (a tmpfs mount); running as " + System.getProperty("user.name"));
    }
    try {
      Commands.Result r = Commands.run(List.of("mount", "--version"));
      return r.exit() == 0 ? Optional.empty() : Optional.of("mount does not work here: " + r.output());
    } catch (IOException e) {
      return Optional.of("no mount command: " + e.getMessage());
    }
  }

  public static DiskFaults install() {
    DiskFaults faults = new DiskFaults();
    Runtime.getRuntime().addShutdownHook(faults.cleanup);
    return faults;
  }

  /** A tmpfs of {@code bytes} on {@code dir} (created when missing, and empty). */
  public synchronized void mount(Path dir, long bytes) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Commands.require(List.of("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString()));
    mounted.add(dir);
  }

  /** Writes zeros into {@code dir}'s filesystem until {@code leaveFree} bytes (or less) are free. */
  public void fill(Path dir, long leaveFree) {
    Path file = dir.resolve(FILL);
    ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      long toWrite = Files.getFileStore(dir).getUsableSpace() - leaveFree;
      while (toWrite > 0) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), toWrite));
        toWrite -= out.write(zeros);
      }
      out.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fill " + dir, e);
    }
  }

  /** Deletes what {@link #fill} wrote: the space is free again. */
  public void free(Path dir) {
    try {
      Files.deleteIfExists(dir.resolve(FILL));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Free bytes on {@code dir}'s filesystem. */
  public static long usable(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Unmounts everything mounted here; the nodes using them must have stopped. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    unmountAll();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs anyway.
    }
  }

  private synchronized void unmountAll() {
    for (Path dir : mounted) {
      try {
        // Lazy: a process that still holds a file there (a node not yet gone) does not keep it mounted for good.
        Commands.run(List.of("umount", "-l", dir.toString()));
      } catch (IOException e) {
        System.err.println("could not unmount " + dir + ": " + e.getMessage());
      }
    }
    mounted.clear();
  }
}

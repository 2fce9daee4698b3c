package gapless.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * The free space of the filesystem a LevelDB directory lives on, against a reserve. LevelDB 1.8
 * (in leveldbjni) writes its files through {@code mmap}: on a full filesystem a write does not
 * fail, the JVM dies of SIGBUS. So nothing is written once the free space is below the reserve
 * ({@code gapless.disk.min-free}): writes are refused with a {@link DiskFull} at once, and go on
 * by themselves once space is freed. The reserve covers what still writes meanwhile (journal
 * events, compactions). Thread-safe; a check is one {@code statvfs}.
 */
public final class DiskSpace {

  /** A write refused because the disk is below its reserve. Nothing was written. */
  public static final class DiskFull extends RuntimeException {
    DiskFull(String message) {
      super(message);
    }
  }

  private final Path dir;
  private final long reserve;
  private final LongSupplier usable;

  private DiskSpace(Path dir, long reserve, LongSupplier usable) {
    this.dir = dir;
    this.reserve = reserve;
    this.usable = usable;
  }

  /** The filesystem of {@code dir} (created when missing), keeping {@code reserve} bytes free. */
  public static DiskSpace of(Path dir, long reserve) {
    try {
      Files.createDirectories(dir);
      FileStore fs = Files.getFileStore(dir);
      return new DiskSpace(dir, reserve, () -> {
        try {
          return fs.getUsableSpace();
        } catch (IOException e) {
          // Not readable is not known to have room.
          return 0;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the filesystem of " + dir, e);
    }
  }

  /** Free space as {@code usable} tells it: for tests. */
  public static DiskSpace of(Path dir, long reserve, LongSupplier usable) {
    return new DiskSpace(dir, reserve, usable);
  }

  /** Bytes free for this process now. */
  public long usable() {
    return usable.getAsLong();
  }

  public long reserve() {
    return reserve;
  }

  public Path dir() {
    return dir;
  }

  /** Below the reserve: nothing may be written. */
  public boolean low() {
    return usable() < reserve;
  }

  /** Throws {@link DiskFull} when below the reserve. */
  public void requireRoom() {
    long free = usable();
    if (free < reserve) {
      throw new DiskFull(describe(free) + ": nothing is written until space is freed");
    }
  }

  /** "data/s1/samples: 12 MiB free of the 256 MiB reserve (gapless.disk.min-free)". */
  public String describe(long free) {
    return dir + ": " + mib(free) + " free, below the " + mib(reserve) + " reserve (gapless.disk.min-free)";
  }

  public static String mib(long bytes) {
    return bytes / (1 << 20) + " MiB";
  }

  /** {@code failure}, or what caused it, is a write refused for want of space. */
  public static boolean isDiskFull(Throwable failure) {
    return diskFull(failure) != null;
  }

  /** What a {@link #isDiskFull} failure says. */
  public static String reasonOf(Throwable failure) {
    DiskFull full = diskFull(failure);
    return full == null ? String.valueOf(failure.getMessage()) : full.getMessage();
  }

  private static DiskFull diskFull(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof DiskFull full) {
        return full;
      }
    }
    return null;
  }
}

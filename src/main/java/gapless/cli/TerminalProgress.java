package gapless.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar with an ETA, drawn (in colour) only when the command runs on a terminal: piped
 * into a file or a script, a command prints its plain lines and no bar.
 */
final class TerminalProgress implements AutoCloseable {

  /** Clears the terminal line the bar is drawn on; the bar draws itself again below. */
  private static final byte[] CLEAR_LINE = "\r\u001b[2K".getBytes(StandardCharsets.US_ASCII);

  private final ProgressBar bar;

  private TerminalProgress(ProgressBar bar) {
    this.bar = bar;
  }

  static boolean onTerminal() {
    return System.console() != null;
  }

  /** A bar for {@code task} counting to {@code max} {@code unit}s. */
  static TerminalProgress start(String task, long max, String unit) {
    // The plain console consumer redraws the bar on the cursor's line (the interactive one draws it a
    // line above, over the last line another thread printed).
    return new TerminalProgress(new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setUnit(unit, 1)
        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setConsumer(new ConsoleProgressBarConsumer(System.err))
        .continuousUpdate().build());
  }

  /** Moves the bar to {@code done} of {@code max}, with {@code message} after it (null: the last one stays). */
  void stepTo(long done, long max, String message) {
    bar.maxHint(max);
    bar.stepTo(Math.min(done, max));
    if (message != null) {
      bar.setExtraMessage(message);
    }
  }

  /**
   * {@code out} for lines printed while a bar is drawn: each line first clears the bar's line, so
   * lines and bar do not run into each other.
   */
  static PrintStream besideBar(PrintStream out) {
    return new PrintStream(new OutputStream() {
      private boolean lineStart = true;

      @Override
      public synchronized void write(int b) {
        if (lineStart) {
          out.write(CLEAR_LINE, 0, CLEAR_LINE.length);
        }
        out.write(b);
        lineStart = b == '\n';
      }

      @Override
      public void flush() {
        out.flush();
      }
    }, true, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    bar.close();
  }
}

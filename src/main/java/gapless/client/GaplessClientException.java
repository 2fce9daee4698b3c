package gapless.client;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;

/**
 * A failure talking to a Gapless node that a user can cause or fix (bad URL, node down, an error
 * answer). Its message is one line fit to print as is; the CLI never shows its stack trace.
 */
public final class GaplessClientException extends RuntimeException {

  private final int httpStatus;

  public GaplessClientException(String message) {
    this(message, 0, null);
  }

  public GaplessClientException(String message, int httpStatus, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
  }

  /**
   * A one-line description of any failure, fit to show a user: the message alone for the failures
   * a user can cause (this exception, an {@link IllegalArgumentException}), a short reason for
   * connections refused or timed out, the type too for anything else.
   */
  public static String describe(Throwable e) {
    if (e instanceof GaplessClientException || e instanceof IllegalArgumentException) {
      return oneLine(e.getMessage());
    }
    // The JDK's messages for these are often null or nested.
    if (e instanceof HttpConnectTimeoutException) {
      return "connect timed out (node down or paused?)";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer in time";
    }
    if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
      return "connection refused (node not running?)";
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + oneLine(m));
  }

  /** {@code s} on one line (runs of white space made one space), at most 300 characters of it; null is empty. */
  public static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String flat = s.replaceAll("\\s+", " ").trim();
    return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
  }

  /** The HTTP status of the error answer, or 0 when no answer came. */
  public int httpStatus() {
    return httpStatus;
  }
}

package gapless.client;

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
   * a user can cause (this exception, an {@link IllegalArgumentException}), the type too for
   * anything else.
   */
  public static String describe(Throwable e) {
    if (e instanceof GaplessClientException || e instanceof IllegalArgumentException) {
      return GaplessClient.oneLine(e.getMessage());
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + GaplessClient.oneLine(m));
  }

  /** The HTTP status of the error answer, or 0 when no answer came. */
  public int httpStatus() {
    return httpStatus;
  }
}

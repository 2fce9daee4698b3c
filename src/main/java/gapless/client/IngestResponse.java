package gapless.client;

/**
 * The gateway's answer to a batch or status POST, whatever its HTTP status: the simulator counts
 * 400 and 503 answers rather than failing on them. Not a JSON shape of its own: the HTTP status
 * with the {@link gapless.api.dto.IngestReceipt} of a 200/202 or the
 * {@link gapless.api.dto.ErrorAnswer} of any other answer.
 *
 * @param httpStatus 200 (on W replicas), 202 (buffered at the gateway), 400 (bad input), 413 (too large to keep),
 *                   422 (Idempotency-Key used for another batch), 503 (nothing kept, try again), 504 (outcome
 *                   unknown: send it again with the same Idempotency-Key)
 * @param seq        seq assigned to the batch, 0 when not accepted
 * @param acks       replicas that hold it durably at answer time
 * @param copies     durable copies at answer time: {@code acks}, plus the gateway's disk for a 202
 * @param buffered   true when the gateway holds it for later forwarding
 * @param retryAfter the seconds of a {@code Retry-After} header (a 503), 0 when there is none
 * @param error      the {@code error} message of a non-2xx answer, empty otherwise
 */
public record IngestResponse(int httpStatus, long seq, int acks, int copies, boolean buffered, long retryAfter, String error) {

  public boolean accepted() {
    return httpStatus == 200 || httpStatus == 202;
  }

  /** Whether sending the same request again may succeed: nothing kept for now (503), or not known (504). */
  public boolean worthRetrying() {
    return httpStatus == 503 || httpStatus == 504;
  }
}

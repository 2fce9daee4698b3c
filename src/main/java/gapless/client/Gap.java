package gapless.client;

/**
 * A time interval without data in a query answer, or a recording stop in a replica view.
 *
 * @param from   start, epoch ms
 * @param to     end, epoch ms, null while still open
 * @param reason why (SERVER_OFFLINE, COLLECTOR_STOPPED, ...)
 */
public record Gap(long from, Long to, String reason) {}

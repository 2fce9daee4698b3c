package gapless.api.dto;

/**
 * Error body of the InfluxDB write endpoints ({@code /api/v2/write}, {@code /write}), in InfluxDB's
 * own shape so its clients show {@code message}: {@code code} is {@code invalid} (400, nothing
 * stored; the message names the first bad line), {@code request too large} (413), {@code conflict}
 * (422) or {@code unavailable} (503 with Retry-After: nothing kept, send again; 504: outcome unknown).
 */
public record InfluxError(String code, String message) {}

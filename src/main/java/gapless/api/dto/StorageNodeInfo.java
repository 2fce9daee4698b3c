package gapless.api.dto;

/**
 * A configured storage node, from {@code /api/v1/status}: how to reach its HTTP API.
 *
 * @param http base URL such as {@code http://127.0.0.1:8081}, null while it is not reachable
 */
public record StorageNodeInfo(String node, String http, boolean reachable) {}

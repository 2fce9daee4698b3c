package gapless.client;

/**
 * A storage node registered in the cluster, from {@code /api/v1/status}: how to reach its HTTP API.
 *
 * @param http base URL such as {@code http://127.0.0.1:8081}
 */
public record StorageNodeInfo(String node, String http, boolean reachable) {}

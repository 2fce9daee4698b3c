package gapless.api.dto;

import java.util.List;

/**
 * Body of {@code /health/live} and {@code /health/ready}: {@code status} is {@code live},
 * {@code ready} or {@code not-ready}; {@code reasons} says why a node is not ready (empty otherwise).
 */
public record HealthAnswer(String node, String status, List<String> reasons) {}

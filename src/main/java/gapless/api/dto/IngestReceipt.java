package gapless.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Answer of {@code POST /api/v1/collectors/{id}/samples} and {@code .../status} when the gateway
 * took the batch: 200 once on W replicas, 202 with {@code "buffered":true} when it holds the batch
 * in its durable buffer for later forwarding ({@code buffered} is left out of a 200).
 *
 * @param seq  the seq the gateway assigned to the batch
 * @param acks replicas that held it durably when the gateway answered
 */
public record IngestReceipt(
    String collector, long seq, int acks, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean buffered) {}

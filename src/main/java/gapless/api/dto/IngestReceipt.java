package gapless.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Answer of {@code POST /api/v1/collectors/{id}/samples} and {@code .../status} when the gateway
 * took the batch: 200 once on W replicas, 202 with {@code "buffered":true} when it holds the batch
 * in its durable buffer for later forwarding ({@code buffered} is left out of a 200).
 *
 * @param seq    the seq the collector's owner assigned to the batch. Final in a 200; in a 202 it is where
 *               the batch goes while its owner lives, and it may take another seq if that owner is lost
 *               before W replicas hold it (the batch is kept either way)
 * @param acks   replicas that held it durably when the gateway answered
 * @param copies durable copies when the gateway answered: {@code acks}, plus the gateway's disk for a 202
 */
public record IngestReceipt(
    String collector, long seq, int acks, int copies, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean buffered) {}

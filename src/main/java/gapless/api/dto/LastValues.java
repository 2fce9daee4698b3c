package gapless.api.dto;

import gapless.model.Sample;
import java.util.List;

/**
 * Answer of {@code GET /api/v1/collectors/{id}/last?tag=A&tag=B}: each tag's last sample at or
 * before {@code at}, looked for within {@code within} before it.
 *
 * @param node    the storage node whose replica answered
 * @param samples one {@code {"tag","ts","value","quality"}} per tag that has one, in the order asked
 * @param missing the tags with no sample in that window
 */
public record LastValues(String collector, String node, long at, List<Sample> samples, List<String> missing) {}

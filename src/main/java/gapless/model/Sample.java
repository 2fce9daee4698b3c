package gapless.model;

/**
 * One time-stamped measurement of one instrument tag.
 *
 * @param tag     instrument tag: printable Unicode in NFC, at most 256 bytes of UTF-8 ({@link Validation#isTag})
 * @param ts      sample time, epoch milliseconds
 * @param value   measured value, finite
 * @param quality OPC-style quality 0..255 (192 = good)
 */
public record Sample(String tag, long ts, double value, int quality) {}

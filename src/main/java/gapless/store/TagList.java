package gapless.store;

import java.util.ArrayList;
import java.util.List;
import org.iq80.leveldb.ReadOptions;

/**
 * The tags a collector has samples of, from the tag index: one seek per tag, past all of that
 * tag's blocks to the next tag's first ({@link StoreKeys#afterTag}), so the cost is per tag, not
 * per sample.
 */
final class TagList {

  private TagList() {}

  static List<String> read(Scanner store, String collector, int max) {
    byte[] prefix = StoreKeys.tagsPrefix(collector);
    List<String> tags = new ArrayList<>();
    byte[] start = prefix;
    while (tags.size() < max) {
      String[] found = {null};
      store.scan(new ReadOptions(), start, prefix, "tag list", e -> {
        found[0] = StoreKeys.tagOfTagKey(e.getKey(), prefix.length);
        return false;
      });
      if (found[0] == null) {
        break;
      }
      tags.add(found[0]);
      start = StoreKeys.afterTag(collector, found[0]);
    }
    return tags;
  }
}

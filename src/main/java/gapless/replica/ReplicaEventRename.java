package gapless.replica;

import akka.serialization.jackson.JacksonMigration;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads replica events journaled under their old class names ({@code gapless.replica.Replica$BatchStored},
 * ...) as the same records in {@link ReplicaEvent}: Akka's Jackson serializer stores the class
 * name as the manifest, so moving the classes needs this rename. The JSON itself did not change.
 * Bound to each old name in {@code akka.serialization.jackson.migrations}.
 */
public final class ReplicaEventRename extends JacksonMigration {

  static final String OLD_PREFIX = "gapless.replica.Replica$";

  @Override
  public int currentVersion() {
    // Old manifests carry no version, which reads as 1; anything below 2 is renamed.
    return 2;
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    return className.startsWith(OLD_PREFIX)
        ? ReplicaEvent.class.getName() + "$" + className.substring(OLD_PREFIX.length())
        : className;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}

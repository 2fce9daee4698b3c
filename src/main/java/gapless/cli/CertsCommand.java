package gapless.cli;

import gapless.model.Validation;
import gapless.security.ApiTokens;
import gapless.security.ClusterCertificates;
import gapless.security.ClusterCertificates.NodeName;
import gapless.security.SecurityFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gapless certs}: the TLS material and the first API tokens of a secure cluster, in one
 * directory (see docs/SECURITY.md).
 */
@Command(name = "certs", mixinStandardHelpOptions = true,
    description = {"Makes a cluster CA, a PKCS#12 keystore per node and the truststore, and (the first time) an admin,"
        + " a writer and a reader API token, printed once and written to DIR/initial-tokens.txt (mode 600).",
        "Run again with new node ids to add nodes: the CA in DIR is kept."})
public final class CertsCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--dir", required = true, description = "Where to write the material (gapless.security.dir of the nodes)")
  Path dir;

  @Option(names = "--nodes", required = true, split = ",", description = "Node ids, comma-separated: s1,s2,s3,gw1,gw2")
  List<String> nodes;

  @Option(names = "--host", description = "More names or addresses of a node for its certificate (besides its id,"
      + " localhost and 127.0.0.1), repeatable: --host s1=10.0.0.11,historian-a.plant")
  Map<String, String> hosts = new LinkedHashMap<>();

  @Override
  public Integer call() {
    List<NodeName> names = new ArrayList<>();
    for (String id : nodes) {
      if (!Validation.isCollectorId(id)) {
        throw new ParameterException(spec.commandLine(), "'" + id + "' is not a node id (like s1 or gw1)");
      }
      String extra = hosts.getOrDefault(id, "");
      names.add(new NodeName(id, extra.isBlank() ? List.of() : List.of(extra.split(","))));
    }
    for (String id : hosts.keySet()) {
      if (!nodes.contains(id)) {
        throw new ParameterException(spec.commandLine(), "--host names " + id + ", which is not in --nodes " + nodes);
      }
    }
    SecurityFiles files = new SecurityFiles(dir);
    ClusterCertificates.Written written = new ClusterCertificates(files).create(names);
    System.out.println((written.newCa() ? "made the cluster CA " : "kept the cluster CA ") + files.caKeystore()
        + " (keep it off the servers: it signs new nodes), its certificate " + files.caPem());
    written.keystores().forEach(k -> System.out.println("node keystore " + k));
    System.out.println("truststore " + files.truststore() + ", password " + files.passwordFile());
    if (!Files.exists(files.tokenHashes())) {
      initialTokens(files);
    }
    System.out.println("each node needs ca.crt, truststore.p12, its own <node>.p12, keystore.pass and tokens"
        + " in its gapless.security.dir");
    return 0;
  }

  private static void initialTokens(SecurityFiles files) {
    String text = ApiTokens.createInitial(files, new SecureRandom());
    System.out.println("API tokens (shown once; also in " + files.initialTokens() + ", mode 600; the nodes keep only"
        + " their hashes, in " + files.tokenHashes() + "):");
    System.out.print(text.indent(2));
  }
}

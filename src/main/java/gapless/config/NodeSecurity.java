package gapless.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import gapless.config.GaplessSettings.SecuritySettings;
import gapless.security.SecurityFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code gapless.security} does to a node's configuration: with security on, Artery becomes
 * mutual TLS from the node's keystore in {@code gapless.security.dir}; with it off, protected mode
 * refuses a node that others could reach (an address that is not loopback), unless told
 * {@code insecure}.
 */
public final class NodeSecurity {

  private static final String SSL = "akka.remote.artery.ssl.config-ssl-engine.";

  private NodeSecurity() {}

  /**
   * The Akka settings that security adds ({@code tls-tcp}, keystores, password); none when it is
   * off, after protected mode allowed the node to start.
   *
   * @throws NodeConfig.InvalidConfig naming the missing file, or what to set in protected mode
   */
  static Config akkaSettings(GaplessSettings s, Config c) {
    SecuritySettings security = s.security();
    if (!security.enabled()) {
      List<String> exposed = exposedAddresses(c);
      if (!exposed.isEmpty() && !security.insecure()) {
        throw new NodeConfig.InvalidConfig("node " + s.nodeId() + " listens on " + String.join(" and ", exposed)
            + ", which is not loopback, with security off (protected mode): make the cluster's certificates and"
            + " tokens with 'gapless certs' and set gapless.security.enabled = on (docs/SECURITY.md), or set"
            + " gapless.security.insecure = true to run without them");
      }
      return ConfigFactory.empty();
    }
    SecurityFiles files = security.files();
    for (Path needed : List.of(files.nodeKeystore(s.nodeId()), files.truststore(), files.passwordFile(),
        files.tokenHashes(), files.caPem())) {
      if (!Files.isReadable(needed)) {
        throw new NodeConfig.InvalidConfig("gapless.security.enabled is on but " + needed + " is missing: make it with"
            + " 'gapless certs --dir " + security.dir() + " --nodes " + s.nodeId() + ",...' (docs/SECURITY.md)");
      }
    }
    String password = new String(files.keystorePassword());
    Map<String, Object> akka = new LinkedHashMap<>();
    akka.put("akka.remote.artery.transport", "tls-tcp");
    akka.put(SSL + "key-store", files.nodeKeystore(s.nodeId()).toString());
    akka.put(SSL + "trust-store", files.truststore().toString());
    akka.put(SSL + "key-store-password", password);
    akka.put(SSL + "key-password", password);
    akka.put(SSL + "trust-store-password", password);
    return ConfigFactory.parseMap(akka, "gapless.security");
  }

  /** The addresses this node listens on (Artery, HTTP) that are not loopback: what others can reach. */
  public static List<String> exposedAddresses(Config c) {
    List<String> exposed = new ArrayList<>();
    String canonical = c.getString("akka.remote.artery.canonical.hostname");
    String bind = c.getString("akka.remote.artery.bind.hostname");
    for (String host : List.of(canonical, bind.isEmpty() ? canonical : bind)) {
      if (!isLoopback(host) && !exposed.contains("Artery " + host)) {
        exposed.add("Artery " + host);
      }
    }
    String http = c.getString("gapless.http.host");
    if (!isLoopback(http)) {
      exposed.add("HTTP " + http);
    }
    return exposed;
  }

  private static boolean isLoopback(String host) {
    if (host.startsWith("<")) {
      return false; // Akka's <getHostAddress> or <getHostName>: the machine's own address
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }
}

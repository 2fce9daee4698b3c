package gapless.cli;

import gapless.client.GaplessClient;
import gapless.security.TlsContexts;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --token} and {@code --cacert}: how a command reaches a secure cluster (docs/SECURITY.md). */
final class ClientOptions {

  static final String TOKEN_ENV = "GAPLESS_TOKEN";

  @Option(names = "--token", description = "API token (sent as 'Authorization: Bearer'); default: the environment"
      + " variable " + TOKEN_ENV + ", which keeps it out of the process list")
  String token;

  @Option(names = "--cacert", description = "The cluster CA's certificate (ca.crt from gapless certs), to trust the"
      + " nodes' https URLs")
  Path caCert;

  GaplessClient client() {
    return new GaplessClient(credentials());
  }

  GaplessClient.Credentials credentials() {
    Optional<String> t = Optional.ofNullable(token).or(() -> Optional.ofNullable(System.getenv(TOKEN_ENV)))
        .filter(s -> !s.isBlank());
    return new GaplessClient.Credentials(t, Optional.ofNullable(caCert).map(TlsContexts::trusting));
  }
}

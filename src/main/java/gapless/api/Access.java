package gapless.api;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import gapless.security.ApiTokens.Grant;
import gapless.security.ApiTokens.Scope;
import gapless.security.TokenFile;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Who may call what, when the node has tokens ({@code gapless.security.enabled}): a request carries
 * {@code Authorization: Bearer <token>} (or InfluxDB's {@code Token <token>}); without one, or with
 * one the node does not know, it is answered 401, and with one whose scope does not cover it, 403,
 * before anything else happens. Without tokens every request is let through (protected mode keeps
 * such a node on loopback).
 */
final class Access extends AllDirectives {

  private static final HttpHeader CHALLENGE = RawHeader.create("WWW-Authenticate", "Bearer realm=\"gapless\"");

  /** How a refusal looks on a route: Gapless' JSON error, or InfluxDB's. */
  interface Refusal extends BiFunction<StatusCode, String, Route> {}

  private final Optional<TokenFile> tokens;

  Access(Optional<TokenFile> tokens) {
    this.tokens = tokens;
  }

  static Access open() {
    return new Access(Optional.empty());
  }

  /** Queries, status, events, metrics. */
  Route read(Supplier<Route> inner) {
    return check(g -> g.allows(Scope.READ), "read", Answers::jsonError, inner);
  }

  /** Ingest into {@code collector}. */
  Route write(String collector, Refusal refusal, Supplier<Route> inner) {
    return check(g -> g.mayWrite(collector), "write to collector " + collector, refusal, inner);
  }

  /** What changes the cluster's state, such as a collector's status. */
  Route admin(Supplier<Route> inner) {
    return check(g -> g.allows(Scope.ADMIN), "change the cluster's state (admin)", Answers::jsonError, inner);
  }

  private Route check(Predicate<Grant> allowed, String what, Refusal refusal, Supplier<Route> inner) {
    if (tokens.isEmpty()) {
      return inner.get();
    }
    return optionalHeaderValueByName("Authorization", header -> {
      Optional<String> token = header.flatMap(Access::token);
      if (token.isEmpty()) {
        return respondWithHeader(CHALLENGE, () -> refusal.apply(StatusCodes.UNAUTHORIZED,
            "this API needs a token: send 'Authorization: Bearer <token>'"));
      }
      Optional<Grant> grant = tokens.get().current().find(token.get());
      if (grant.isEmpty()) {
        return respondWithHeader(CHALLENGE, () -> refusal.apply(StatusCodes.UNAUTHORIZED, "the token is not known here"));
      }
      if (!allowed.test(grant.get())) {
        return refusal.apply(StatusCodes.FORBIDDEN, "token '" + grant.get().name() + "' ("
            + grant.get().scope().name().toLowerCase(Locale.ROOT) + ") may not " + what);
      }
      return inner.get();
    });
  }

  /** The token of an {@code Authorization} header value: {@code Bearer <token>} or {@code Token <token>}. */
  static Optional<String> token(String header) {
    String[] parts = header.strip().split("\\s+", 2);
    if (parts.length == 2 && (parts[0].equalsIgnoreCase("Bearer") || parts[0].equalsIgnoreCase("Token"))) {
      return Optional.of(parts[1].strip());
    }
    return Optional.empty();
  }
}

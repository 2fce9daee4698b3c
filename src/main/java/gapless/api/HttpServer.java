package gapless.api;

import akka.Done;
import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.settings.ServerSettings;
import akka.http.scaladsl.Http;
import akka.http.scaladsl.HttpExt;
import akka.stream.TLSClosing$;
import akka.stream.TLSProtocol;
import akka.stream.javadsl.BidiFlow;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.TLS;
import akka.stream.javadsl.TLSPlacebo;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import scala.Option;

/**
 * Serves the API's routes on a TCP port, as Akka HTTP's own bind does (its HTTP layer and
 * settings, TLS when the node has a certificate, at most max-connections at once, the idle
 * timeout), with the one layer it lacks: a deadline for each request's line and headers
 * ({@link HeadDeadline}), so that slow clients cannot hold every connection.
 */
final class HttpServer {

  private final ActorSystem<?> system;
  private final ServerSettings settings;
  private final Optional<SSLContext> tls;
  private final Duration headerTimeout;
  private final Runnable onHeadCut;

  HttpServer(ActorSystem<?> system, Optional<SSLContext> tls, Duration headerTimeout, Runnable onHeadCut) {
    this.system = system;
    this.settings = ServerSettings.create(system.classicSystem());
    this.tls = tls;
    this.headerTimeout = headerTimeout;
    this.onHeadCut = onHeadCut;
  }

  /** Serves {@code handler} (made afresh for each connection) until the binding is unbound. */
  CompletionStage<Tcp.ServerBinding> bind(String host, int port, Flow<HttpRequest, HttpResponse, NotUsed> handler) {
    return Tcp.get(system).bind(host, port, settings.getBacklog(), settings.getSocketOptions(), false, Optional.empty())
        .mapAsyncUnordered(settings.getMaxConnections(), connection -> serve(connection, handler))
        .to(Sink.ignore())
        .run(system);
  }

  /** Completes when the connection ends, however it ends: a connection's failure is its own. */
  private CompletionStage<Done> serve(Tcp.IncomingConnection connection, Flow<HttpRequest, HttpResponse, NotUsed> handler) {
    HeadDeadline deadline = new HeadDeadline();
    BidiFlow<HttpResponse, ByteString, ByteString, HttpRequest, NotUsed> layers = deadline.requests()
        .atop(httpLayer(connection))
        .atop(tlsLayer())
        .atop(deadline.bytes(headerTimeout, onHeadCut))
        .atop(idleTimeout());
    CompletionStage<Done> ended = connection.handleWith(handler.join(layers).watchTermination(Keep.right()), system);
    return ended.handle((done, failure) -> Done.getInstance());
  }

  /** Akka HTTP's parser, renderer and request timeout, told whether the connection is TLS (the requests' scheme). */
  private BidiFlow<HttpResponse, TLSProtocol.SslTlsOutbound, TLSProtocol.SslTlsInbound, HttpRequest, NotUsed> httpLayer(
      Tcp.IncomingConnection connection) {
    akka.stream.javadsl.BidiFlow<akka.http.scaladsl.model.HttpResponse, TLSProtocol.SslTlsOutbound,
        TLSProtocol.SslTlsInbound, akka.http.scaladsl.model.HttpRequest, NotUsed> scala =
        ((HttpExt) Http.get(system.classicSystem())).serverLayer(
            (akka.http.scaladsl.settings.ServerSettings) settings, Option.apply(connection.remoteAddress()),
            system.classicSystem().log(), tls.isPresent()).asJava();
    return BidiFlow.<HttpResponse, akka.http.scaladsl.model.HttpResponse, akka.http.scaladsl.model.HttpRequest,
            HttpRequest>fromFunctions(akka.http.scaladsl.model.HttpResponse.class::cast, HttpRequest.class::cast)
        .atop(scala);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private BidiFlow<TLSProtocol.SslTlsOutbound, ByteString, ByteString, TLSProtocol.SslTlsInbound, NotUsed> tlsLayer() {
    if (tls.isEmpty()) {
      // The placebo hands on SessionBytes, which are SslTlsInbound: the cast only widens its inbound type.
      return (BidiFlow) TLSPlacebo.getInstance();
    }
    SSLContext context = tls.get();
    return TLS.create(() -> {
      SSLEngine engine = context.createSSLEngine();
      engine.setUseClientMode(false);
      return engine;
    }, TLSClosing$.MODULE$.eagerClose());
  }

  private BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> idleTimeout() {
    scala.concurrent.duration.Duration idle = settings.getTimeouts().idleTimeout();
    return idle.isFinite()
        ? BidiFlow.bidirectionalIdleTimeout(Duration.ofNanos(idle.toNanos()))
        : BidiFlow.identity();
  }
}

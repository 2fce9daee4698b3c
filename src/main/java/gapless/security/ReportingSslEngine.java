package gapless.security;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An {@link SSLEngine} that tells {@code onFailure} (once) why its connection failed: a peer that
 * is not of the cluster CA, one that speaks plain TCP, a handshake the peer broke off. Artery logs
 * none of these on the side that accepted the connection; the cluster event log should. Every
 * call goes to the engine Akka made, unchanged.
 */
final class ReportingSslEngine extends SSLEngine {

  private final SSLEngine engine;
  private final BiConsumer<SSLException, String> onFailure;
  private final Consumer<String> onPeerSubject;
  private boolean reported;

  /**
   * {@code onFailure}: the first failure, with the peer certificate's subject if the handshake got
   * that far (else empty); {@code onPeerSubject}: that subject, once the handshake finished.
   */
  ReportingSslEngine(SSLEngine engine, BiConsumer<SSLException, String> onFailure, Consumer<String> onPeerSubject) {
    super(engine.getPeerHost(), engine.getPeerPort());
    this.engine = engine;
    this.onFailure = onFailure;
    this.onPeerSubject = onPeerSubject;
  }

  @Override
  public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
    try {
      return finished(engine.wrap(srcs, offset, length, dst));
    } catch (SSLException e) {
      report(e);
      throw e;
    }
  }

  @Override
  public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
    try {
      return finished(engine.unwrap(src, dsts, offset, length));
    } catch (SSLException e) {
      report(e);
      throw e;
    }
  }

  private SSLEngineResult finished(SSLEngineResult result) {
    if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
      String subject = peerSubject();
      if (!subject.isEmpty()) {
        onPeerSubject.accept(subject);
      }
    }
    return result;
  }

  private synchronized void report(SSLException e) {
    if (!reported) {
      reported = true;
      onFailure.accept(e, peerSubject());
    }
  }

  /** The peer's certificate subject, when the handshake got that far. */
  private String peerSubject() {
    try {
      SSLSession s = engine.getHandshakeSession() != null ? engine.getHandshakeSession() : engine.getSession();
      return s.getPeerCertificates().length == 0 ? ""
          : ((java.security.cert.X509Certificate) s.getPeerCertificates()[0]).getSubjectX500Principal().getName();
    } catch (Exception e) {
      return "";
    }
  }

  @Override
  public Runnable getDelegatedTask() {
    return engine.getDelegatedTask();
  }

  @Override
  public void closeInbound() throws SSLException {
    engine.closeInbound();
  }

  @Override
  public boolean isInboundDone() {
    return engine.isInboundDone();
  }

  @Override
  public void closeOutbound() {
    engine.closeOutbound();
  }

  @Override
  public boolean isOutboundDone() {
    return engine.isOutboundDone();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return engine.getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return engine.getEnabledCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    engine.setEnabledCipherSuites(suites);
  }

  @Override
  public String[] getSupportedProtocols() {
    return engine.getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return engine.getEnabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    engine.setEnabledProtocols(protocols);
  }

  @Override
  public SSLSession getSession() {
    return engine.getSession();
  }

  @Override
  public SSLSession getHandshakeSession() {
    return engine.getHandshakeSession();
  }

  @Override
  public void beginHandshake() throws SSLException {
    engine.beginHandshake();
  }

  @Override
  public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
    return engine.getHandshakeStatus();
  }

  @Override
  public void setUseClientMode(boolean mode) {
    engine.setUseClientMode(mode);
  }

  @Override
  public boolean getUseClientMode() {
    return engine.getUseClientMode();
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    engine.setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return engine.getNeedClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    engine.setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return engine.getWantClientAuth();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    engine.setEnableSessionCreation(flag);
  }

  @Override
  public boolean getEnableSessionCreation() {
    return engine.getEnableSessionCreation();
  }

  @Override
  public SSLParameters getSSLParameters() {
    return engine.getSSLParameters();
  }

  @Override
  public void setSSLParameters(SSLParameters params) {
    engine.setSSLParameters(params);
  }

  @Override
  public String getApplicationProtocol() {
    return engine.getApplicationProtocol();
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    return engine.getHandshakeApplicationProtocol();
  }

  @Override
  public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
    engine.setHandshakeApplicationProtocolSelector(selector);
  }

  @Override
  public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
    return engine.getHandshakeApplicationProtocolSelector();
  }
}

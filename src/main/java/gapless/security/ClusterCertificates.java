package gapless.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's TLS material in one directory ({@link SecurityFiles} names the files): a cluster CA
 * (its certificate also as PEM for curl and browsers), one PKCS#12 keystore per node holding the
 * node's key and a certificate the CA signed, and the truststore that holds only the CA. Keys are
 * EC P-256, made and signed with the JDK's own providers; Bouncy Castle only builds the X.509
 * structures. A directory that already has a CA keeps it, so nodes can be added later.
 */
public final class ClusterCertificates {

  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Duration CA_VALIDITY = Duration.ofDays(10 * 365);
  private static final Duration NODE_VALIDITY = Duration.ofDays(2 * 365);
  private static final String CA_ALIAS = "ca";
  private static final String NODE_ALIAS = "node";

  private final SecurityFiles files;
  private final SecureRandom random = new SecureRandom();

  public ClusterCertificates(SecurityFiles files) {
    this.files = files;
  }

  /**
   * A node to make a keystore for: its id (the certificate's name) and the host names and
   * addresses other nodes and clients reach it by (besides {@code localhost} and 127.0.0.1).
   */
  public record NodeName(String id, List<String> hosts) {}

  /** What was written. */
  public record Written(boolean newCa, List<Path> keystores) {}

  /** Makes (or reuses) the CA, then a keystore per node, and the truststore. */
  public Written create(List<NodeName> nodes) {
    try {
      Files.createDirectories(files.dir());
      char[] password = files.keystorePassword(random);
      boolean newCa = !Files.exists(files.caKeystore());
      KeyStore.PrivateKeyEntry ca = newCa ? newCa(password) : readCa(password);
      X509Certificate caCert = (X509Certificate) ca.getCertificate();
      List<Path> written = new ArrayList<>();
      for (NodeName node : nodes) {
        KeyPair pair = keyPair();
        X509Certificate cert = nodeCertificate(node, pair, caCert, ca.getPrivateKey());
        KeyStore ks = emptyStore();
        ks.setKeyEntry(NODE_ALIAS, pair.getPrivate(), password, new Certificate[] {cert, caCert});
        write(ks, files.nodeKeystore(node.id()), password);
        written.add(files.nodeKeystore(node.id()));
      }
      KeyStore trust = emptyStore();
      trust.setCertificateEntry(CA_ALIAS, caCert);
      write(trust, files.truststore(), password);
      Files.writeString(files.caPem(), pem(caCert));
      return new Written(newCa, written);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make the cluster's certificates: " + e.getMessage(), e);
    }
  }

  private KeyStore.PrivateKeyEntry newCa(char[] password) throws GeneralSecurityException, IOException,
      OperatorCreationException {
    KeyPair pair = keyPair();
    X500Name name = new X500Name("CN=Gapless cluster CA,O=Gapless");
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
    X509Certificate cert = sign(b, pair.getPrivate());
    KeyStore ks = emptyStore();
    ks.setKeyEntry(CA_ALIAS, pair.getPrivate(), password, new Certificate[] {cert});
    write(ks, files.caKeystore(), password);
    return new KeyStore.PrivateKeyEntry(pair.getPrivate(), new Certificate[] {cert});
  }

  private KeyStore.PrivateKeyEntry readCa(char[] password) throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(files.caKeystore())) {
      ks.load(in, password);
    }
    return (KeyStore.PrivateKeyEntry) ks.getEntry(CA_ALIAS, new KeyStore.PasswordProtection(password));
  }

  private X509Certificate nodeCertificate(NodeName node, KeyPair pair, X509Certificate ca, PrivateKey caKey)
      throws GeneralSecurityException, CertIOException, OperatorCreationException {
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(NODE_VALIDITY)), new X500Name("CN=" + node.id() + ",O=Gapless"), pair.getPublic());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    // Both: a node accepts connections (server) and opens them (client) with the same key.
    b.addExtension(Extension.extendedKeyUsage, false,
        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames(node)));
    b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
    b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
    return sign(b, caKey);
  }

  private static GeneralName[] altNames(NodeName node) {
    Set<String> hosts = new LinkedHashSet<>(List.of(node.id(), "localhost", "127.0.0.1"));
    hosts.addAll(node.hosts());
    return hosts.stream()
        .map(h -> isAddress(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h))
        .toArray(GeneralName[]::new);
  }

  /** An IPv4 or IPv6 literal (never a name lookup). */
  static boolean isAddress(String host) {
    if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
      return false;
    }
    try {
      InetAddress.getByName(host);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
  }

  private KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256, random);
    return g.generateKeyPair();
  }

  private BigInteger serial() {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    return ks;
  }

  private static void write(KeyStore ks, Path file, char[] password) throws IOException {
    SecurityFiles.writePrivate(file, out -> ks.store(out, password));
  }

  /** {@code cert} as PEM text. */
  static String pem(X509Certificate cert) throws GeneralSecurityException {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded());
    return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
  }
}

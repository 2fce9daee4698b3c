package gapless.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SignatureException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCertificatesTest {

  @TempDir
  Path dir;

  @Test
  void eachNodeHasAKeyWhoseCertificateTheClusterCaSignedForItsNames() throws Exception {
    SecurityFiles files = new SecurityFiles(dir);
    ClusterCertificates.Written w = new ClusterCertificates(files).create(List.of(
        new ClusterCertificates.NodeName("s1", List.of("10.0.0.11", "historian-a.plant")),
        new ClusterCertificates.NodeName("gw1", List.of())));
    assertTrue(w.newCa());
    X509Certificate ca = caFromPem(files);
    X509Certificate s1 = nodeCertificate(files, "s1");
    s1.verify(ca.getPublicKey());
    assertEquals("O=Gapless,CN=s1", s1.getSubjectX500Principal().getName()); // RFC 2253 prints the last RDN first
    // What the cluster reads back as the node id the certificate was made for.
    assertEquals(Optional.of("s1"), ClusterSslEngineProvider.commonName(s1.getSubjectX500Principal().getName()));
    assertEquals(Optional.empty(), ClusterSslEngineProvider.commonName("O=Gapless"));
    List<String> names = s1.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
    assertEquals(List.of("s1", "localhost", "127.0.0.1", "10.0.0.11", "historian-a.plant"), names);
    assertTrue(s1.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")));
    assertEquals(-1, s1.getBasicConstraints());
    assertTrue(ca.getBasicConstraints() >= 0);

    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(files.truststore())) {
      trust.load(in, files.keystorePassword());
    }
    assertEquals(ca, trust.getCertificate("ca"));
  }

  @Test
  void runAgainTheCaIsKeptSoNewNodesJoinTheSameCluster() throws Exception {
    SecurityFiles files = new SecurityFiles(dir);
    new ClusterCertificates(files).create(List.of(new ClusterCertificates.NodeName("s1", List.of())));
    X509Certificate ca = caFromPem(files);
    ClusterCertificates.Written again = new ClusterCertificates(files).create(List.of(new ClusterCertificates.NodeName("s4", List.of())));
    assertFalse(again.newCa());
    assertEquals(ca, caFromPem(files));
    nodeCertificate(files, "s4").verify(ca.getPublicKey());
    nodeCertificate(files, "s1").verify(ca.getPublicKey());
  }

  @Test
  void anotherCaIsNotTheCluster() throws Exception {
    SecurityFiles ours = new SecurityFiles(dir.resolve("ours"));
    SecurityFiles theirs = new SecurityFiles(dir.resolve("theirs"));
    new ClusterCertificates(ours).create(List.of(new ClusterCertificates.NodeName("s1", List.of())));
    new ClusterCertificates(theirs).create(List.of(new ClusterCertificates.NodeName("s1", List.of())));
    X509Certificate foreign = nodeCertificate(theirs, "s1");
    assertThrows(SignatureException.class, () -> foreign.verify(caFromPem(ours).getPublicKey()));
  }

  @Test
  void addressesAreToldFromNames() {
    assertTrue(ClusterCertificates.isAddress("10.0.0.1"));
    assertTrue(ClusterCertificates.isAddress("::1"));
    assertFalse(ClusterCertificates.isAddress("historian-a.plant"));
    assertFalse(ClusterCertificates.isAddress("s1"));
  }

  private static X509Certificate caFromPem(SecurityFiles files) throws Exception {
    try (InputStream in = Files.newInputStream(files.caPem())) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static X509Certificate nodeCertificate(SecurityFiles files, String node) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(files.nodeKeystore(node))) {
      ks.load(in, files.keystorePassword());
    }
    return (X509Certificate) ks.getCertificate("node");
  }
}

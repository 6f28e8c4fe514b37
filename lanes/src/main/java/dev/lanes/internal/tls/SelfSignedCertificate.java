package dev.lanes.internal.tls;

import io.netty.util.NetUtil;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * A self-signed certificate (EC P-256, SHA256withECDSA) made in memory with the JDK alone, for
 * demos and tests. Netty's {@code SelfSignedCertificate} needs BouncyCastle or JDK internals and
 * is valid until 9999 by default, which scanners rightly flag; this one is valid from an hour ago
 * for {@code validity}, names {@code host} in its subject and subjectAltName (and 127.0.0.1 and
 * ::1 when {@code host} is {@code localhost}), and is marked as a TLS server and client
 * certificate that is not a CA.
 *
 * @param certificate the certificate
 * @param privateKey its key
 */
public record SelfSignedCertificate(X509Certificate certificate, PrivateKey privateKey) {
  // OIDs, DER-encoded bodies (without tag and length).
  private static final byte[] ECDSA_SHA256 = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02};
  private static final byte[] COMMON_NAME = {0x55, 0x04, 0x03};
  private static final byte[] SUBJECT_ALT_NAME = {0x55, 0x1d, 0x11};
  private static final byte[] BASIC_CONSTRAINTS = {0x55, 0x1d, 0x13};
  private static final byte[] KEY_USAGE = {0x55, 0x1d, 0x0f};
  private static final byte[] EXT_KEY_USAGE = {0x55, 0x1d, 0x25};
  private static final byte[] SERVER_AUTH = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01};
  private static final byte[] CLIENT_AUTH = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};
  private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  /** A new key pair and a certificate for {@code host}, valid for {@code validity} (at most 398 days). */
  public static SelfSignedCertificate generate(String host, Duration validity) {
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (!validity.isPositive() || validity.compareTo(Duration.ofDays(398)) > 0) {
      // 398 days: the longest validity browsers accept for a server certificate.
      throw new IllegalArgumentException("validity must be positive and at most 398 days: " + validity);
    }
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
      kpg.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair keys = kpg.generateKeyPair();
      Instant notBefore = Instant.now().minus(Duration.ofHours(1)); // tolerate clock skew
      byte[] algorithm = seq(tlv(0x06, ECDSA_SHA256));
      byte[] name = seq(tlv(0x31, seq(tlv(0x06, COMMON_NAME), tlv(0x0c, host.getBytes(StandardCharsets.UTF_8)))));
      byte[] tbs = seq(
          tlv(0xa0, tlv(0x02, new byte[] {2})), // version 3
          tlv(0x02, new BigInteger(63, new SecureRandom()).add(BigInteger.ONE).toByteArray()),
          algorithm,
          name,
          seq(time(notBefore), time(notBefore.plus(validity))),
          name,
          keys.getPublic().getEncoded(), // already a DER SubjectPublicKeyInfo
          tlv(0xa3, seq(
              extension(BASIC_CONSTRAINTS, true, seq()), // cA false
              extension(KEY_USAGE, true, tlv(0x03, new byte[] {0x07, (byte) 0x80})), // digitalSignature
              extension(EXT_KEY_USAGE, false, seq(tlv(0x06, SERVER_AUTH), tlv(0x06, CLIENT_AUTH))),
              extension(SUBJECT_ALT_NAME, false, seq(altNames(host))))));
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(keys.getPrivate());
      signer.update(tbs);
      byte[] signature = signer.sign();
      byte[] der = seq(tbs, algorithm, tlv(0x03, concat(new byte[] {0}, signature)));
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      return new SelfSignedCertificate(cert, keys.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
    }
  }

  /** The certificate as PEM. */
  public String certificatePem() {
    try {
      return pem("CERTIFICATE", certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The private key as unencrypted PKCS#8 PEM. */
  public String privateKeyPem() {
    return pem("PRIVATE KEY", privateKey.getEncoded());
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static byte[] altNames(String host) {
    if (!host.equals("localhost")) {
      byte[] ip = ipLiteral(host);
      return ip != null ? tlv(0x87, ip) : tlv(0x82, host.getBytes(StandardCharsets.US_ASCII));
    }
    return concat(tlv(0x82, host.getBytes(StandardCharsets.US_ASCII)), tlv(0x87, ipLiteral("127.0.0.1")),
        tlv(0x87, ipLiteral("::1")));
  }

  /**
   * The address an IPv4 or IPv6 literal spells, or null for a name. Parsed, never resolved: a
   * name of hex letters ({@code cafe}, {@code beef.cafe}) is a DNS name, and looking it up would
   * hang on a closed network or put whatever it resolves to in the certificate.
   */
  private static byte[] ipLiteral(String host) {
    return NetUtil.createByteArrayFromIpAddressString(host);
  }

  private static byte[] extension(byte[] oid, boolean critical, byte[] value) {
    return critical ? seq(tlv(0x06, oid), tlv(0x01, new byte[] {(byte) 0xff}), tlv(0x04, value))
        : seq(tlv(0x06, oid), tlv(0x04, value));
  }

  private static byte[] time(Instant t) {
    return tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII)); // UTCTime: valid until 2049
  }

  private static byte[] seq(byte[]... parts) {
    return tlv(0x30, concat(parts));
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xffff ? 3 : n > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}

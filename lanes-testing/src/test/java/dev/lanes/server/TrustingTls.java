package dev.lanes.server;

import dev.lanes.internal.tls.SelfSignedCertificate;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** Client TLS contexts for tests against servers with self-signed certificates. */
public final class TrustingTls {
  private TrustingTls() {}

  /** Trusts any server. */
  public static SSLContext trustAll() throws Exception {
    return trustAll(null);
  }

  /** Trusts any server; presents {@code identity} as the client's certificate if given. */
  public static SSLContext trustAll(SelfSignedCertificate identity) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    KeyManagerFactory kmf = null;
    if (identity != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("me", identity.privateKey(), new char[0], new Certificate[] {identity.certificate()});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
    }
    context.init(kmf == null ? null : kmf.getKeyManagers(), new TrustManager[] {anyServer()}, new SecureRandom());
    return context;
  }

  /** A trust manager that trusts any server (and any client). */
  public static X509TrustManager anyServer() {
    return new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
  }
}

package net.infernet.core.http;

import java.net.http.HttpClient;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Outbound HTTP clients whose TLS state is built on their first https connection instead of when they are built.
 *
 * <p>The JDK's {@link HttpClient.Builder#build()} initialises the JVM's default {@link SSLContext} at once: JSSE
 * and the system trust store, about 300 ms and several MB of resident memory. A node whose engines and control
 * plane are plain-http URLs never needs it, and builds one client per backend. These clients still verify
 * certificates and host names exactly as the JDK's default does, against the same default context, once an
 * https URL is used.
 */
public final class HttpClients {
    /** The protocols of the JDK 17 default client context, so that HTTP/2 over TLS still negotiates h2. */
    private static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private HttpClients() {
    }

    /** A new builder like {@link HttpClient#newBuilder()}, except that TLS is initialised on first use. */
    public static HttpClient.Builder newBuilder() {
        return newBuilder(HttpClients::jvmDefault);
    }

    static HttpClient.Builder newBuilder(Supplier<SSLContext> tls) {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(TLS_PROTOCOLS.clone());
        return HttpClient.newBuilder().sslContext(new SSLContext(new OnFirstUse(tls), null, "Default") { })
                .sslParameters(parameters);
    }

    private static SSLContext jvmDefault() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no default TLS context", e);
        }
    }

    /** Every operation asks the supplied context, so nothing of TLS exists until the first one. */
    private static final class OnFirstUse extends SSLContextSpi {
        private final Supplier<SSLContext> tls;

        OnFirstUse(Supplier<SSLContext> tls) {
            this.tls = tls;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
                throws KeyManagementException {
            throw new KeyManagementException("the default TLS context initialises itself");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return tls.get().getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return tls.get().getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return tls.get().createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return tls.get().createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return tls.get().getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return tls.get().getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return tls.get().getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return tls.get().getSupportedSSLParameters();
        }
    }
}

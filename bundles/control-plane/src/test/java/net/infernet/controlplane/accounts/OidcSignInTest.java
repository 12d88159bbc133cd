package net.infernet.controlplane.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.testing.Browser;
import net.infernet.controlplane.testing.Harness;
import net.infernet.store.Store;
import net.infernet.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenID Connect sign-in against a stand-in provider (discovery, authorize, token with client_secret_basic and PKCE,
 * JWKS) on loopback: the whole browser round trip, and every way an ID token can be wrong.
 */
class OidcSignInTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT = "infernet-dashboard";
    private static final String SECRET = "s3cret-of-the-client";
    @TempDir
    java.nio.file.Path dir;
    private Store store;
    private Harness h;
    private HttpServer idp;
    private String issuer;
    private RSAKey key;
    /** What the next token answer puts in the ID token (tests change it to make it wrong). */
    private final Map<String, Object> claims = new HashMap<>();
    private RSAKey signWith;
    private final HttpClient http = HttpClient.newHttpClient();
    private String lastChallenge;

    @BeforeEach
    void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        signWith = key;
        idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + idp.getAddress().getPort() + "/realm";
        idp.createContext("/realm", this::provider);
        idp.start();
        store = Stores.open(Stores.h2Url(dir), Optional.empty(), Optional.empty(), 4);
        h = new Harness(store, Settings.defaults());
        h.stop();
        h.oidc = a -> new OidcService(store, a, issuer, CLIENT, SECRET, Optional.empty(), h.clock);
        h.start();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
        store.close();
        idp.stop(0);
    }

    private void provider(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath().substring("/realm".length());
        Map<String, String> q = form(x.getRequestURI().getRawQuery());
        if (path.equals("/.well-known/openid-configuration")) {
            reply(x, 200, JSON.createObjectNode().put("issuer", issuer)
                    .put("authorization_endpoint", issuer + "/authorize").put("token_endpoint", issuer + "/token")
                    .put("jwks_uri", issuer + "/jwks").toString());
        } else if (path.equals("/jwks")) {
            reply(x, 200, new JWKSet(key.toPublicJWK()).toString());
        } else if (path.equals("/authorize")) {
            // the user consents at once: back to the client with a code, remembering the nonce and PKCE challenge
            claims.putIfAbsent("nonce", q.get("nonce"));
            lastChallenge = q.get("code_challenge");
            assertEquals("S256", q.get("code_challenge_method"));
            assertEquals(CLIENT, q.get("client_id"));
            x.getResponseHeaders().add("Location", q.get("redirect_uri") + "?code=the-code&state=" + q.get("state"));
            reply(x, 302, "");
        } else if (path.equals("/token")) {
            Map<String, String> body = form(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String basic = "Basic " + Base64.getEncoder().encodeToString((CLIENT + ":" + SECRET).getBytes());
            boolean pkce = b64sha(body.getOrDefault("code_verifier", "")).equals(lastChallenge);
            if (!basic.equals(x.getRequestHeaders().getFirst("Authorization")) || !pkce
                    || !"the-code".equals(body.get("code"))) {
                reply(x, 400, "{\"error\":\"invalid_grant\"}");
                return;
            }
            try {
                JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(issuer).subject("user-42").audience(CLIENT)
                        .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 300_000))
                        .claim("email", "sso.user@example.org").claim("email_verified", true);
                claims.forEach(c::claim);
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), c.build());
                jwt.sign(new RSASSASigner(signWith));
                reply(x, 200, JSON.createObjectNode().put("id_token", jwt.serialize()).put("access_token", "at")
                        .put("token_type", "Bearer").toString());
            } catch (com.nimbusds.jose.JOSEException e) {
                reply(x, 500, "{}");
            }
        } else {
            reply(x, 404, "{}");
        }
    }

    private static String b64sha(String s) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return m;
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, status == 302 ? -1 : b.length);
        if (status != 302) {
            x.getResponseBody().write(b);
        }
        x.close();
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The browser's round trip: our start, the provider's authorize, our callback. */
    private HttpResponse<String> signIn() throws Exception {
        HttpResponse<String> start = get(h.base.resolve("/api/v1/auth/oidc/start"));
        assertEquals(302, start.statusCode(), start.body());
        URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
        assertTrue(authorize.toString().startsWith(issuer + "/authorize?"), authorize.toString());
        HttpResponse<String> back = get(authorize);
        assertEquals(302, back.statusCode());
        URI callback = URI.create(back.headers().firstValue("Location").orElseThrow());
        assertEquals(h.base.getPort(), callback.getPort(), "back to this control plane");
        return get(callback);
    }

    private static String cookie(HttpResponse<String> r) {
        Matcher m = Pattern.compile("infernet_session=([^;]+)").matcher(r.headers().firstValue("Set-Cookie")
                .orElse(""));
        return m.find() ? m.group(1) : "";
    }

    @Test
    void aProvidersUserSignsInAndComesBackToTheSameAccount() throws Exception {
        assertTrue(Browser.json(new Browser(h.base).get("/api/v1/auth/methods")).get("oidc").asBoolean());
        HttpResponse<String> done = signIn();
        assertEquals(302, done.statusCode(), done.body());
        assertEquals("/dashboard/", done.headers().firstValue("Location").orElseThrow());
        Browser b = new Browser(h.base);
        b.cookie = cookie(done);
        assertFalse(b.cookie.isEmpty());
        JsonNode account = Browser.json(b.get("/api/v1/account")).get("account");
        assertEquals("sso.user@example.org", account.get("email").asText(), "the provider's verified email");
        assertEquals("client", account.get("role").asText());
        claims.clear();
        Browser again = new Browser(h.base);
        again.cookie = cookie(signIn());
        assertEquals(account.get("id"), Browser.json(again.get("/api/v1/account")).get("account").get("id"));
    }

    @Test
    void aTokenSignedByAnotherKeyForAnotherAudienceExpiredOrForAnotherSignInIsRefused() throws Exception {
        signWith = new RSAKeyGenerator(2048).keyID("k1").generate();
        assertRefused(signIn(), "forged signature");
        signWith = key;
        claims.put("aud", "someone-else");
        assertRefused(signIn(), "another audience");
        claims.clear();
        claims.put("exp", new Date(System.currentTimeMillis() - 3_600_000).getTime() / 1000);
        assertRefused(signIn(), "expired");
        claims.clear();
        claims.put("nonce", "not-this-sign-ins-nonce");
        assertRefused(signIn(), "another sign-in's nonce");
        assertRefused(get(h.base.resolve("/api/v1/auth/oidc/callback?code=the-code&state=" + "0".repeat(32))),
                "a state nobody started");
        HttpResponse<String> missing = get(h.base.resolve("/api/v1/auth/oidc/callback?error=access_denied"));
        assertEquals(400, missing.statusCode(), missing.body());
        assertEquals("bad_request", JSON.readTree(missing.body()).get("error").asText());
        assertTrue(store.accounts(100).isEmpty(), "no account was made by any of these");
    }

    private static void assertRefused(HttpResponse<String> r, String why) throws Exception {
        assertEquals(401, r.statusCode(), why + ": " + r.body());
        assertEquals("unauthorized", JSON.readTree(r.body()).get("error").asText(), why);
        assertTrue(cookie(r).isEmpty(), why + ": no session");
    }
}

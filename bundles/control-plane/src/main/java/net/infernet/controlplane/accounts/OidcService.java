package net.infernet.controlplane.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.store.AccountRecord;
import net.infernet.store.AccountStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenID Connect with any standard provider: discovery from the issuer, the authorization code flow with PKCE (S256)
 * and a nonce, the code exchanged with client_secret_basic, the ID token checked by Nimbus JOSE+JWT against the
 * provider's JWKS (RS256 or ES256; issuer, audience, expiry and nonce). A sign-in under way lives here for 10
 * minutes (per instance: a load balancer must keep a browser on one instance for those minutes, or share nothing
 * but the provider's answer). The identity is "issuer subject"; a first sign-in creates a client account with the
 * provider's email when it says the email is verified and no account has it.
 */
@Component(configurationPid = OidcConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = OidcConfig.class)
public final class OidcService implements OidcSignIn {
    static final String CALLBACK = "/api/v1/auth/oidc/callback";
    private static final Duration PENDING_LIFETIME = Duration.ofMinutes(10);
    private static final Duration DISCOVERY_LIFETIME = Duration.ofHours(1);
    private static final int MAX_PENDING = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(OidcService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final AccountStore store;
    private final SessionIssuer sessions;
    private final String issuer;
    private final String clientId;
    private final String clientSecret;
    private final Optional<URI> publicUrl;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private volatile Provider provider;

    private record Pending(String nonce, String verifier, Instant expires) {
    }

    /** The provider's endpoints and key source, as discovered. */
    private record Provider(URI authorization, URI token, DefaultJWTProcessor<SecurityContext> tokens,
            Instant expires) {
    }

    @Activate
    public OidcService(@Reference AccountStore store, @Reference SessionIssuer sessions, OidcConfig config) {
        this(store, sessions, config.issuer().strip(), config.client_id().strip(), config.client_secret(),
                Optional.of(config.public_url().strip()).filter(u -> !u.isEmpty()).map(URI::create),
                Clock.systemUTC());
    }

    public OidcService(AccountStore store, SessionIssuer sessions, String issuer, String clientId, String clientSecret,
            Optional<URI> publicUrl, Clock clock) {
        this.store = store;
        this.sessions = sessions;
        this.issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.publicUrl = publicUrl;
        this.clock = clock;
        LOG.info("event=oidc enabled={}{}", enabled(), enabled() ? " issuer=" + this.issuer : "");
    }

    @Override
    public boolean enabled() {
        return !issuer.isEmpty() && !clientId.isEmpty();
    }

    private URI callback(URI requestBase) {
        return publicUrl.orElse(requestBase).resolve(CALLBACK);
    }

    @Override
    public URI start(URI requestBase) {
        if (!enabled()) {
            throw new InfernetException(ErrorCode.NOT_FOUND, "OpenID Connect sign-in is not configured");
        }
        Provider p = provider();
        Instant now = clock.instant();
        if (pending.size() >= MAX_PENDING) {
            pending.values().removeIf(x -> !x.expires().isAfter(now));
            if (pending.size() >= MAX_PENDING) {
                throw new InfernetException(ErrorCode.RATE_LIMITED, "too many sign-ins under way; retry in a minute");
            }
        }
        String state = Hashing.randomHex(16);
        String nonce = Hashing.randomHex(16);
        byte[] v = new byte[32];
        RANDOM.nextBytes(v);
        String verifier = B64URL.encodeToString(v);
        pending.put(state, new Pending(nonce, verifier, now.plus(PENDING_LIFETIME)));
        String query = "response_type=code&client_id=" + enc(clientId) + "&redirect_uri="
                + enc(callback(requestBase).toString()) + "&scope=" + enc("openid email") + "&state=" + state
                + "&nonce=" + nonce + "&code_challenge=" + B64URL.encodeToString(sha256(verifier))
                + "&code_challenge_method=S256";
        String a = p.authorization().toString();
        return URI.create(a + (a.contains("?") ? "&" : "?") + query);
    }

    @Override
    public Accounts.SignedIn finish(String code, String state, URI requestBase) {
        Pending pend = pending.remove(state);
        if (!enabled() || pend == null || !pend.expires().isAfter(clock.instant())) {
            throw refused("unknown or expired sign-in (state)");
        }
        Provider p = provider();
        String form = "grant_type=authorization_code&code=" + enc(code) + "&redirect_uri="
                + enc(callback(requestBase).toString()) + "&code_verifier=" + enc(pend.verifier());
        String basic = Base64.getEncoder().encodeToString((enc(clientId) + ":" + enc(clientSecret))
                .getBytes(StandardCharsets.UTF_8));
        JsonNode answer = send(HttpRequest.newBuilder(p.token()).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                "token");
        String idToken = answer.path("id_token").asText("");
        if (idToken.isEmpty()) {
            throw refused("the provider refused the code");
        }
        JWTClaimsSet claims;
        try {
            claims = p.tokens().process(idToken, null);
        } catch (java.text.ParseException | com.nimbusds.jose.proc.BadJOSEException
                | com.nimbusds.jose.JOSEException e) {
            throw refused("the ID token did not verify: " + e.getMessage());
        }
        if (!pend.nonce().equals(claims.getClaim("nonce"))) {
            throw refused("the ID token's nonce is not this sign-in's");
        }
        String login = issuer + " " + claims.getSubject();
        AccountRecord account = store.accountByLogin(login).orElseGet(() -> create(login, claims));
        return sessions.open(account, "oidc");
    }

    private AccountRecord create(String login, JWTClaimsSet claims) {
        Optional<String> email = Optional.empty();
        try {
            if (Boolean.TRUE.equals(claims.getBooleanClaim("email_verified"))) {
                email = Optional.ofNullable(claims.getStringClaim("email"))
                        .filter(e -> AccountService.EMAIL.matcher(e).matches());
            }
        } catch (java.text.ParseException e) {
            // a malformed email claim: no email
        }
        Instant now = clock.instant();
        for (Optional<String> e : email.isPresent() ? java.util.List.of(email, Optional.<String>empty())
                : java.util.List.of(email)) {
            AccountRecord a = new AccountRecord("acc_" + Hashing.randomHex(8), e, Optional.empty(), Optional.empty(),
                    AccountRecord.CLIENT, Optional.empty(), Optional.empty(), now);
            if (store.insertAccountWithLogin(a, login)) {
                LoggerFactory.getLogger("net.infernet.audit").info(
                        "event=account_action actor={} action=account_created target={} role=client method=oidc",
                        a.id(), a.id());
                return a;
            }
            Optional<AccountRecord> raced = store.accountByLogin(login);
            if (raced.isPresent()) {
                return raced.get();
            }
        }
        throw refused("no account could be made for this identity");
    }

    private Provider provider() {
        Provider p = provider;
        if (p != null && p.expires().isAfter(clock.instant())) {
            return p;
        }
        JsonNode d = send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(10)).GET().build(), "discovery");
        if (!issuer.equals(d.path("issuer").asText().replaceAll("/$", ""))) {
            throw new InfernetException(ErrorCode.BACKEND_ERROR, "the provider's discovery names another issuer");
        }
        try {
            JWKSource<SecurityContext> keys = JWKSourceBuilder.create(URI.create(d.path("jwks_uri").asText())
                    .toURL()).retrying(true).build();
            DefaultJWTProcessor<SecurityContext> tokens = new DefaultJWTProcessor<>();
            tokens.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256,
                    JWSAlgorithm.ES256), keys));
            tokens.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(clientId,
                    new JWTClaimsSet.Builder().issuer(d.path("issuer").asText()).build(), Set.of("sub", "exp",
                            "iat", "nonce")));
            p = new Provider(URI.create(d.path("authorization_endpoint").asText()),
                    URI.create(d.path("token_endpoint").asText()), tokens, clock.instant().plus(DISCOVERY_LIFETIME));
        } catch (IllegalArgumentException | java.net.MalformedURLException e) {
            throw new InfernetException(ErrorCode.BACKEND_ERROR, "the provider's discovery document is malformed");
        }
        provider = p;
        return p;
    }

    private JsonNode send(HttpRequest request, String what) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                LOG.warn("event=oidc_refused step={} status={}", what, r.statusCode());
                if (what.equals("token")) {
                    throw refused("the provider refused the code");
                }
                throw new InfernetException(ErrorCode.BACKEND_ERROR, "the provider answered " + r.statusCode());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            LOG.warn("event=oidc_unreachable step={} error=\"{}\"", what, e.toString());
            throw new InfernetException(ErrorCode.BACKEND_ERROR, "the sign-in provider cannot be reached");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfernetException(ErrorCode.BACKEND_ERROR, "interrupted");
        }
    }

    private static InfernetException refused(String why) {
        LOG.info("event=sign_in_failed method=oidc reason=\"{}\"", why);
        return new InfernetException(ErrorCode.UNAUTHORIZED, "OpenID Connect sign-in refused: " + why);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package net.infernet.controlplane.demo;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.protocol.crypto.Passwords;
import net.infernet.store.AccountRecord;
import net.infernet.store.AccountStore;
import net.infernet.store.TokenStore;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's bootstrap bearer token ({@code INFERNET_DEMO}): on the first start of a control plane in demo mode it
 * creates a client token named {@value #TOKEN_NAME} (stored as its SHA-256 only, like every token) and prints it
 * once on the console with a ready-to-run curl line, so a newcomer can stream tokens right away. Later starts see
 * the token in the store and print nothing; a revoked demo token is not re-created.
 */
@Component(immediate = true, service = {}, configurationPid = DemoBootstrap.PID)
@Designate(ocd = DemoBootstrap.Config.class)
public final class DemoBootstrap {
    static final String PID = "net.infernet.controlplane.demo";
    public static final String TOKEN_NAME = "demo-bootstrap";
    private static final Logger LOG = LoggerFactory.getLogger(DemoBootstrap.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    @ObjectClassDefinition(id = PID, name = "Infernet demo bootstrap")
    public @interface Config {
        @AttributeDefinition(description = "create and print a bootstrap bearer token on first start (env INFERNET_DEMO)")
        boolean demo() default false;
    }

    /** The demo's first admin account (its password is printed once, with the token). */
    public static final String ADMIN_EMAIL = "admin@infernet.local";

    @Reference
    private TokenStore store;

    @Reference
    private AccountStore accounts;

    @Activate
    void activate(BundleContext context, Config config) {
        if (config.demo()) {
            bootstrap(store, accounts, Clock.systemUTC(), port(context), System.out);
        }
    }

    private static Optional<Integer> port(BundleContext context) {
        try {
            return Optional.ofNullable(context.getProperty("org.osgi.service.http.port")).map(Integer::parseInt)
                    .filter(p -> p > 0);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Creates and prints the token unless one named {@value #TOKEN_NAME} exists; returns it when created. */
    static Optional<String> bootstrap(TokenStore store, AccountStore accounts, Clock clock, Optional<Integer> port,
            PrintStream console) {
        if (store.tokens().stream().anyMatch(t -> TOKEN_NAME.equals(t.name()))) {
            LOG.info("event=demo_token_exists name={}", TOKEN_NAME);
            return Optional.empty();
        }
        String password = hex(12);
        String accountId = "acc_" + hex(8);
        boolean admin = accounts.insertAccount(new AccountRecord(accountId, Optional.of(ADMIN_EMAIL),
                Optional.of(Passwords.hash(password)), Optional.empty(), AccountRecord.ADMIN, Optional.empty(),
                Optional.empty(), clock.instant()));
        if (admin) {
            LOG.info("event=demo_admin_created account={}", accountId); // never the password
        }
        // same shape as `infernet token create`: inf_ + 48 hex, id tok_ + 16 hex
        String token = "inf_" + hex(24);
        String id = "tok_" + hex(8);
        store.insertToken(id, TOKEN_NAME, Hashing.sha256Hex(token), clock.instant());
        LOG.info("event=demo_token_created id={} name={}", id, TOKEN_NAME); // never the token itself
        console.print(banner(token, port.orElse(3000)));
        if (admin) {
            console.print("  Dashboard: http://127.0.0.1:" + port.orElse(3000) + "/dashboard/  sign in as " + ADMIN_EMAIL
                    + " with password " + password + " (shown once)\n\n");
        }
        console.flush();
        return Optional.of(token);
    }

    static String banner(String token, int port) {
        String base = "http://127.0.0.1:" + port;
        return "\n"
                + "  Infernet demo: bootstrap bearer token (shown once, stored only as a hash)\n\n"
                + "    export INFERNET_TOKEN=" + token + "\n\n"
                + "  Stream tokens from the demo model (random weights: expect gibberish, not answers):\n\n"
                + "    curl -N " + base + "/api/v1/jobs -H \"Authorization: Bearer $INFERNET_TOKEN\" \\\n"
                + "      -H 'Content-Type: application/json' \\\n"
                + "      -d '{\"model\":\"infernet-demo-tiny\",\"stream\":true,\"max_tokens\":32,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'\n\n"
                + "  OpenAI-compatible: " + base + "/v1 with api key $INFERNET_TOKEN. "
                + "Revoke with: infernet token revoke " + TOKEN_NAME + "\n\n";
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}

package net.infernet.controlplane.accounts;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.admin.Administration;
import net.infernet.controlplane.jobs.Hashing;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.store.TokenRecord;
import net.infernet.store.TokenStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Account keys over the {@link TokenStore}: {@code inf_} + 48 hex, stored as SHA-256; at most 100 per account. */
@Component
public final class AccountKeyService implements AccountKeys {
    static final int MAX_KEYS = 100;
    private static final Logger AUDIT = LoggerFactory.getLogger("net.infernet.audit");
    private final TokenStore tokens;
    private final Clock clock;

    @Activate
    public AccountKeyService(@Reference TokenStore tokens) {
        this(tokens, Clock.systemUTC());
    }

    public AccountKeyService(TokenStore tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public Administration.NewToken create(String accountId, String name) {
        if (tokens.tokensOfAccount(accountId).stream().filter(TokenRecord::active).count() >= MAX_KEYS) {
            throw new InfernetException(ErrorCode.BAD_REQUEST, "an account has at most " + MAX_KEYS
                    + " active keys; revoke one first");
        }
        String token = "inf_" + Hashing.randomHex(24);
        String id = "tok_" + Hashing.randomHex(8);
        tokens.insertToken(id, name, Hashing.sha256Hex(token), false, Optional.of(accountId), clock.instant());
        AUDIT.info("event=key_action actor={} action=key_created target={}", accountId, id);
        return new Administration.NewToken(id, name, token, false);
    }

    @Override
    public List<TokenRecord> keys(String accountId) {
        return tokens.tokensOfAccount(accountId);
    }

    @Override
    public boolean revoke(String accountId, String keyId) {
        boolean revoked = tokens.revokeAccountToken(accountId, keyId, clock.instant());
        if (revoked) {
            AUDIT.info("event=key_action actor={} action=key_revoked target={}", accountId, keyId);
        }
        return revoked;
    }
}

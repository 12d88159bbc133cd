package net.infernet.distro.it;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import net.infernet.store.Store;
import net.infernet.store.Stores;

/** Client bearer tokens written into a control plane's database before it starts, as {@code infernet token create}. */
final class ClientTokens {
    private ClientTokens() {
    }

    static String create(String jdbcUrl, Optional<String> user) throws Exception {
        String token = "inf_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
        try (Store store = Stores.open(jdbcUrl, user, Optional.empty(), 1)) {
            store.insertToken("tok_" + Long.toHexString(System.nanoTime()), "it", hash, Instant.now());
        }
        return token;
    }
}

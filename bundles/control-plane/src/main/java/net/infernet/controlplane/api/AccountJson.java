package net.infernet.controlplane.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.infernet.store.AccountRecord;

/** The account as the API shows it: never its password hash or webhook URLs (secrets). */
final class AccountJson {
    private AccountJson() {
    }

    static ObjectNode account(ObjectNode o, AccountRecord a) {
        o.put("id", a.id());
        a.email().ifPresentOrElse(e -> o.put("email", e), () -> o.putNull("email"));
        a.nostrPubkey().ifPresentOrElse(k -> o.put("nostr_pubkey", k), () -> o.putNull("nostr_pubkey"));
        return o.put("role", a.role()).put("created_at", Responses.iso(a.createdAt()));
    }

    static ObjectNode signedIn(ObjectMapper mapper, AccountRecord a, String csrf) {
        ObjectNode out = mapper.createObjectNode();
        account(out.putObject("account"), a);
        return out.put("csrf_token", csrf);
    }
}

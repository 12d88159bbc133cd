package net.infernet.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.infernet.controlplane.config.Settings;
import net.infernet.controlplane.testing.Client;
import net.infernet.controlplane.testing.Harness;
import net.infernet.controlplane.testing.TestNode;
import net.infernet.core.api.Receipt;
import net.infernet.core.payment.PaymentChain;
import net.infernet.core.payment.PayoutResult;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import net.infernet.store.Store;
import net.infernet.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane with a payment chain configured, over real HTTP on H2: jobs are admitted against the client's
 * escrow, a failed job gives its hold back, and nodes are told the EIP-712 domain their receipts are signed in.
 * The chain's balances are set by the test (payments-evm's anvil tests and the all-in-one payout IT cover the
 * real contract).
 */
class EscrowAdmissionTest {
    static final String MODEL = "qwen2.5:14b";
    static final String CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    static final String MSG = "{\"role\":\"user\",\"content\":\"hi\"}";

    /** A chain on which every client holds {@link #escrow} USDC. */
    static final class FixedEscrow implements PaymentChain {
        volatile BigDecimal escrow = BigDecimal.ZERO;

        @Override public String chain() { return "base"; }
        @Override public long chainId() { return 8453; }
        @Override public String contractAddress() { return CONTRACT; }
        @Override public BigDecimal minimumPayout() { return BigDecimal.ONE; }
        @Override public boolean isValidAddress(String address) { return true; }
        @Override public BigDecimal escrowBalance(String client) { return escrow; }
        @Override public BigDecimal operatorBalance(String operator) { return BigDecimal.ZERO; }
        @Override public PayoutResult payout(List<Receipt> receipts, String to) {
            throw new UnsupportedOperationException("not a payout test");
        }
    }

    @TempDir
    Path dataDir;
    final FixedEscrow chain = new FixedEscrow();
    Store store;
    Harness h;

    @AfterEach
    void stop() throws Exception {
        h.close();
        store.close();
    }

    private TestNode start() throws Exception {
        return start(Optional.of(chain));
    }

    private TestNode start(Optional<PaymentChain> configured) throws Exception {
        store = Stores.open(Stores.h2Url(dataDir), Optional.empty(), Optional.empty(), 8);
        h = new Harness(store, Settings.defaults(), () -> configured);
        TestNode node = new TestNode(h.base, h.clock);
        assertEquals(201, node.register(List.of(MODEL), Optional.empty()).statusCode());
        assertEquals(200, node.heartbeat(List.of(MODEL), 40).statusCode());
        node.channel();
        return node;
    }

    private static String job(int maxTokens) {
        return "{\"model\":\"" + MODEL + "\",\"messages\":[" + MSG + "],\"max_tokens\":" + maxTokens + "}";
    }

    @Test
    void withoutAChainSettlementIsOffAndJobsNeedNoEscrow() throws Exception {
        TestNode node = start(Optional.empty());
        Client client = new Client(h.base, h.token("app"));
        JsonNode escrow = TestNode.JSON.readTree(client.get("/api/v1/escrow").body());
        assertEquals("off", escrow.get("settlement").asText());
        assertTrue(escrow.get("account").asText().startsWith("tok_"), escrow.toString());
        assertEquals(201, client.post("/api/v1/jobs", job(100_000)).statusCode());
        JsonNode claimed = node.claim(30_000).orElseThrow();
        assertEquals("none", claimed.get("chain").asText());
        assertTrue(!claimed.has("chain_id") && !claimed.has("contract"), claimed.toString());
    }

    @Test
    void withoutEnoughEscrowAJobIsRefusedWithBadRequestOnBothApisAndNothingIsStored() throws Exception {
        start();
        chain.escrow = new BigDecimal("0.50");
        Client client = new Client(h.base, h.token("app"));
        HttpResponse<String> r = client.post("/api/v1/jobs", job(512));
        assertEquals(400, r.statusCode());
        JsonNode err = TestNode.JSON.readTree(r.body());
        assertEquals("bad_request", err.get("error").asText());
        assertTrue(err.get("error_message").asText().startsWith("escrow balance 0.50 USDC on base does not cover"),
                err.toString());
        String account = TestNode.JSON.readTree(client.get("/api/v1/escrow").body()).get("account").asText();
        assertTrue(err.get("error_message").asText().endsWith("for account " + account + " (GET /api/v1/escrow)"));
        HttpResponse<String> oa = client.post("/v1/chat/completions", job(512));
        assertEquals(400, oa.statusCode());
        assertEquals("invalid_request_error", TestNode.JSON.readTree(oa.body()).at("/error/type").asText());
        assertEquals(0, TestNode.JSON.readTree(client.get("/api/v1/jobs").body()).get("jobs").size());
    }

    @Test
    void aRunningJobHoldsItsPriceAndAFailedJobGivesItBack() throws Exception {
        TestNode node = start();
        // 1.00 USDC of escrow covers one job (price 0.50 at 100,000 max tokens of a 14B model, 1.00 minimum)
        chain.escrow = new BigDecimal("1.00");
        Client client = new Client(h.base, h.token("app"));
        assertEquals(201, client.post("/api/v1/jobs", job(100_000)).statusCode());
        JsonNode escrow = TestNode.JSON.readTree(client.get("/api/v1/escrow").body());
        assertEquals("on", escrow.get("settlement").asText());
        assertEquals("base", escrow.get("chain").asText());
        assertEquals(CONTRACT, escrow.get("contract").asText());
        assertEquals("1.00", escrow.get("escrow_usdc").asText());
        assertEquals("0.50", escrow.get("held_usdc").asText());
        assertEquals("0.50", escrow.get("available_usdc").asText());
        assertEquals("1.00", escrow.get("minimum_usdc").asText());
        HttpResponse<String> second = client.post("/api/v1/jobs", job(100_000));
        assertEquals(400, second.statusCode(), "the first job's hold leaves 0.50 USDC, under the 1.00 minimum");

        JsonNode claimed = node.claim(30_000).orElseThrow();
        node.attempt(claimed).fail("backend_error", "engine crashed");
        String state = "";
        for (int i = 0; i < 400 && !state.equals("failed"); i++) { // the channel's frame is handled on its thread
            Thread.sleep(25);
            state = TestNode.JSON.readTree(client.get("/api/v1/jobs/" + claimed.get("id").asText()).body())
                    .get("status").asText();
        }
        assertEquals("failed", state);
        assertEquals(201, client.post("/api/v1/jobs", job(100_000)).statusCode(), "the failed job's hold is released");
    }

    @Test
    void nodesSignReceiptsInTheChainsDomainAndTheControlPlaneCountersignsInIt() throws Exception {
        TestNode node = start();
        chain.escrow = new BigDecimal("25");
        Client client = new Client(h.base, h.token("app"));
        String jobId = TestNode.JSON.readTree(client.post("/api/v1/jobs", job(64)).body()).get("id").asText();
        JsonNode claimed = node.claim(30_000).orElseThrow();
        assertEquals("base", claimed.get("chain").asText());
        assertEquals(8453, claimed.get("chain_id").asLong());
        assertEquals(CONTRACT, claimed.get("contract").asText());
        JsonNode answer = node.attempt(claimed).text("hello").done(10, 4);
        ReceiptDomain domain = new ReceiptDomain(claimed.get("chain_id").asLong(), claimed.get("contract").asText());
        Receipt countersigned = Receipts.parseJson(answer.get("receipt").toString());
        assertEquals(jobId, countersigned.jobId());
        Receipts.verify(countersigned, domain, h.platformKey.ethereumAddress());

        // a receipt signed for the demo domain is not one the contract would accept: refused
        String other = TestNode.JSON.readTree(client.post("/api/v1/jobs", job(64)).body()).get("id").asText();
        JsonNode claimed2 = node.claim(30_000).orElseThrow();
        assertEquals(other, claimed2.get("id").asText());
        String demoSignature = TestNode.JSON.readTree(Receipts.canonicalJson(Receipts.signAsNode(
                node.receipt(claimed2, 10, 4), node.key, ReceiptDomain.NONE))).get("node_signature").asText();
        JsonNode refused = node.attempt(claimed2).text("hi").done(10, 4, "stop",
                r -> r.put("node_signature", demoSignature));
        assertEquals("unauthorized", refused.get("error").asText(), refused.toString());
        assertTrue(refused.get("receipt").isNull());
    }
}

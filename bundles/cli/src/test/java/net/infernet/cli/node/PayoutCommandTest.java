package net.infernet.cli.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.infernet.core.api.Receipt;
import net.infernet.payments.evm.Deployer;
import net.infernet.payments.evm.EvmChain;
import net.infernet.payments.evm.PaymentContract;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code infernet payments deploy} and {@code infernet payout} against a real anvil: the operator deploys, sets a
 * payout address, and turns the receipts the node kept into USDC at that address.
 */
class PayoutCommandTest {
    static final Path ANVIL = Path.of("../../tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
            .toAbsolutePath().normalize();
    static final String KEY0 = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    static final String KEY1 = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    static final String CLIENT = "tok_5d1e0c9a";
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;
    Process anvil;
    String url;
    NodeKey node;
    NodeKey platform;
    String payoutAddress = NodeKey.generate(RANDOM).ethereumAddress();
    String contract;
    String token;
    long serial;

    @BeforeEach
    void setUp() throws Exception {
        assertTrue(Files.isExecutable(ANVIL), ANVIL + " missing: run the tools module (npm install in tools/)");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        anvil = new ProcessBuilder(ANVIL.toString(), "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--chain-id", "31337", "--silent").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true).start();
        url = "http://127.0.0.1:" + port;
        node = KeyFiles.loadOrCreate(KeyLayout.nodeKey(dir.resolve("data")));
        platform = NodeKey.generate(RANDOM);
        KeyFiles.write(dir.resolve("data/keys/platform.key"), platform);
        KeyFiles.write(dir.resolve("deployer.key"), NodeKey.fromHex(KEY0));
        for (int i = 0; !rpcAnswers(); i++) {
            assertTrue(i < 200 && anvil.isAlive(), "anvil did not start");
            Thread.sleep(50);
        }
        rpc("anvil_setBalance", "\"" + node.ethereumAddress() + "\",\"0x56bc75e2d63100000\"");
    }

    @AfterEach
    void tearDown() throws Exception {
        anvil.destroy();
        anvil.waitFor(5, TimeUnit.SECONDS);
    }

    Stub.Term run(Host host, String... args) throws Exception {
        Stub.Term t = new Stub.Term(dir, Map.of());
        int code = args[0].equals("payments")
                ? new PaymentsCommand(host).run(List.of(args).subList(1, args.length), t.cli)
                : new PayoutCommand(host).run(List.of(args).subList(1, args.length), t.cli);
        t.cli.out().println("exit=" + code);
        return t;
    }

    Stub.Term run(String... args) throws Exception {
        return run(Host.SYSTEM, args);
    }

    /** Deploys with the CLI, configures the chain and the payout address, funds the client's escrow. */
    void deployAndConfigure() throws Exception {
        Stub.Term d = run("payments", "deploy", "--rpc", url, "--token", "test", "--key-file",
                dir.resolve("deployer.key").toString(), "--name", "local");
        assertTrue(d.out().contains("exit=0"), d.out() + d.err());
        assertTrue(d.out().contains("platform_signer  = " + platform.ethereumAddress()), d.out());
        contract = field(d.out(), "contract_address");
        token = field(d.out(), "token_address");
        assertTrue(d.out().contains("contract.address=\"" + contract + "\""), d.out());

        Stub.Term c = run("payout", "chain", "--network", "local", "--rpc", url, "--contract", contract,
                "--chain-id", "31337", "--minimum", "1.00");
        assertTrue(c.out().contains("exit=0"), c.out() + c.err());
        Stub.Term s = run("payout", "set", "--coin", "USDC", "--address", payoutAddress, "--network", "local");
        assertEquals("Payouts on local go to " + payoutAddress + " (USDC)\nexit=0\n", s.out());

        NodeKey payer = NodeKey.fromHex(KEY1);
        new Deployer(url, NodeKey.fromHex(KEY0), Duration.ofMillis(20)).mintTestToken(token, payer.ethereumAddress(),
                BigInteger.valueOf(100_000_000));
        EvmChain payerChain = new EvmChain(new EvmChain.Settings("local", 31337, url, contract, Optional.of(token), 1,
                BigDecimal.ONE, Duration.ofMillis(20), Duration.ofSeconds(30)), payer, dir.resolve("payer"));
        payerChain.execute(token, PaymentContract.approveData(contract, BigInteger.valueOf(100_000_000)));
        payerChain.execute(contract, PaymentContract.depositData(CLIENT, BigInteger.valueOf(50_000_000)));
    }

    /** What the node does after a job: keep the countersigned receipt under data/receipts/. */
    void keepReceipt(String value) throws Exception {
        ReceiptDomain domain = new ReceiptDomain(31337, contract);
        long s = ++serial;
        Receipt r = new Receipt("job_" + s, node.publicKeyHex(), CLIENT, "qwen2.5:14b", 50, 200,
                Instant.parse("2026-11-22T18:00:00Z"), new BigDecimal(value), "local", s, Optional.empty(),
                Optional.empty());
        Receipt signed = Receipts.countersign(Receipts.signAsNode(r, node, domain), platform, domain);
        Path file = Files.createDirectories(dir.resolve("data/receipts")).resolve("job_" + s + ".json");
        Files.writeString(file, Receipts.canonicalJson(signed));
    }

    @Test
    void payoutRedeemsTheKeptReceiptsAndPaysTheAddressOnceRefusingBelowTheMinimum() throws Exception {
        deployAndConfigure();
        keepReceipt("1.00");

        Stub.Term small = run("payout");
        assertTrue(small.out().contains("exit=1"), small.out());
        assertEquals("infernet payout: payout of 0.85 USDC is below the local minimum payout of 1.00 USDC; nothing "
                + "was sent\n", small.err());

        keepReceipt("2.50");
        keepReceipt("0.000333");
        Stub.Term paid = run("payout");
        assertTrue(paid.out().startsWith("Redeemed 3 receipts on local\nWithdrew 2.975283 USDC to " + payoutAddress),
                paid.out() + paid.err());
        assertEquals(BigInteger.valueOf(850_000 + 2_125_000 + 283), balance(token, payoutAddress));

        Stub.Term again = run("payout");
        assertTrue(again.err().contains("payout of 0 USDC is below"), again.err());
        assertEquals(BigInteger.valueOf(2_975_283), balance(token, payoutAddress));

        Stub.Term list = run("payout", "list");
        assertTrue(list.out().contains("local      USDC  " + payoutAddress), list.out());
    }

    @Test
    void aNodeKeyRegisteredForASeparateOperatorKeyPaysThatOperator() throws Exception {
        deployAndConfigure();
        NodeKey operator = NodeKey.generate(RANDOM);
        Path operatorKey = dir.resolve("operator.key");
        KeyFiles.write(operatorKey, operator);
        rpc("anvil_setBalance", "\"" + operator.ethereumAddress() + "\",\"0x56bc75e2d63100000\"");
        keepReceipt("3.00");
        Stub.Term before = run("payout", "--key-file", operatorKey.toString());
        assertTrue(before.err().contains("is not registered with the payment contract on local"), before.err());

        Stub.Term reg = run("payout", "register", "--network", "local", "--key-file", operatorKey.toString());
        assertEquals("Node key " + node.ethereumAddress() + " now earns for operator " + operator.ethereumAddress()
                + " on local\nexit=0\n", reg.out());
        Stub.Term paid = run("payout", "--key-file", operatorKey.toString());
        assertTrue(paid.out().startsWith("Redeemed 1 receipts on local\nWithdrew 2.55 USDC to " + payoutAddress),
                paid.out() + paid.err());
        assertEquals(BigInteger.valueOf(2_550_000), balance(token, payoutAddress));
    }

    @Test
    void afterAKeyRotationTheNewKeysReceiptsPayTheSameOperator() throws Exception {
        deployAndConfigure();
        keepReceipt("1.50");
        assertTrue(run("payout").out().contains("exit=0")); // registers the node key as its own operator
        Path oldFile = dir.resolve("data/keys/node.key.old-20261122T190000Z");
        KeyFiles.write(oldFile, node); // what 'infernet keys rotate' leaves behind
        NodeKey old = node;
        node = NodeKey.generate(RANDOM);
        KeyFiles.write(KeyLayout.nodeKey(dir.resolve("data")), node);

        Stub.Term rotated = run("payout", "rotate", "--old-key", oldFile.toString(), "--network", "local");
        assertTrue(rotated.out().startsWith("Node key " + old.ethereumAddress() + " -> " + node.ethereumAddress()
                + " on local, still earning for operator " + old.ethereumAddress()), rotated.out() + rotated.err());
        keepReceipt("2.00");
        Stub.Term paid = run("payout", "--key-file", oldFile.toString());
        assertTrue(paid.out().startsWith("Redeemed 1 receipts on local\nWithdrew 1.7 USDC to " + payoutAddress),
                paid.out() + paid.err());
        assertEquals(BigInteger.valueOf(1_275_000 + 1_700_000), balance(token, payoutAddress));
    }

    @Test
    void autoPayoutWaitsForItsThresholdAndSchedule() throws Exception {
        deployAndConfigure();
        Host at10 = new Stub.FakeHost(Map.of(), 0, Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC));
        Host at11 = new Stub.FakeHost(Map.of(), 0, Clock.fixed(Instant.parse("2026-11-22T11:00:00Z"), ZoneOffset.UTC));
        assertEquals("Auto payout is off (infernet payout auto on)\nexit=0\n", run(at10, "payout", "--auto").out());
        assertTrue(run("payout", "auto", "on", "--threshold", "5", "--schedule", "daily").out().contains("exit=0"));
        keepReceipt("4.00");
        assertEquals("Auto payout: 3.4 USDC due, waiting for 5 USDC\nexit=0\n", run(at10, "payout", "--auto").out());
        keepReceipt("4.00");
        assertTrue(run(at10, "payout", "--auto").out().startsWith("Redeemed 2 receipts on local\nWithdrew 6.8 USDC"));
        keepReceipt("9.00");
        assertEquals("Auto payout not due until 2026-11-23T10:00:00Z\nexit=0\n", run(at11, "payout", "--auto").out());
        assertEquals(BigInteger.valueOf(6_800_000), balance(token, payoutAddress));
        JsonNode config = new ObjectMapper().readTree(dir.resolve("config/config.json").toFile());
        assertEquals("daily", config.path("auto_payout_schedule").asText());
        assertTrue(config.path("auto_payout").asBoolean());
    }

    @Test
    void theBookFormSetsTheDefaultChainAndOnlyChecksummedAddressesAreTaken() throws Exception {
        Stub.Term bad = run("payout", "--set-address", payoutAddress.toLowerCase(), "--chain", "base");
        assertTrue(bad.out().contains("exit=2"), bad.out());
        assertTrue(bad.err().contains("is not an EIP-55 checksummed address"), bad.err());
        Stub.Term ok = run("payout", "--set-address", payoutAddress, "--chain", "base");
        assertTrue(ok.out().contains("exit=0"), ok.err());
        JsonNode config = new ObjectMapper().readTree(dir.resolve("config/config.json").toFile());
        assertEquals("base", config.path("payout_chain").asText());
        assertEquals(payoutAddress, config.path("payout_address").asText());
        Stub.Term list = run("payout", "list");
        assertTrue(list.out().contains("base       USDC  " + payoutAddress + " 1.00 USDC"), list.out());
        Stub.Term notConfigured = run("payout");
        assertTrue(notConfigured.err().contains("chain base is not configured"), notConfigured.err());
    }

    static String field(String out, String name) {
        Matcher m = Pattern.compile(name + " *= (0x[0-9a-fA-F]{40})").matcher(out);
        assertTrue(m.find(), name + " not in " + out);
        return m.group(1);
    }

    BigInteger balance(String tokenAddress, String holder) {
        return PaymentContract.tokenBalance(new net.infernet.payments.evm.Rpc(url, Duration.ofSeconds(5)),
                tokenAddress, holder);
    }

    boolean rpcAnswers() {
        try {
            rpc("eth_chainId", "");
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    void rpc(String method, String params) throws Exception {
        java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":[" + params + "]}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }
}

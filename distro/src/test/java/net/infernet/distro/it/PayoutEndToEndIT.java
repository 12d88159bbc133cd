package net.infernet.distro.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.infernet.cli.node.PayoutCommand;
import net.infernet.core.api.Receipt;
import net.infernet.payments.evm.Anvil;
import net.infernet.payments.evm.Deployer;
import net.infernet.payments.evm.EvmChain;
import net.infernet.payments.evm.PaymentContract;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.KeyLayout;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The whole payment path as an operator and an app developer live it, with nothing stood in: a real anvil with the
 * shipped contract, the all-in-one distribution started by {@code infernet up --demo} with a chain configuration
 * file, a client who deposits escrow for the account {@code GET /api/v1/escrow} names, a real job on the embedded
 * llama.cpp, and {@code infernet payout} redeeming the node's countersigned receipt so USDC arrives at the
 * operator's payout address, exactly the receipt's value less the 15 % fee.
 */
public class PayoutEndToEndIT {
    private static final String MODEL = "infernet-demo-tiny";
    private static final Path ROOT = Path.of(System.getProperty("infernet.distro.dir", ".")).toAbsolutePath()
            .getParent();
    private static final Path LAUNCHER = ROOT.resolve("distro/bin/infernet");

    private final NodeKey platform = NodeKey.generate(new SecureRandom());
    private final NodeKey node = NodeKey.generate(new SecureRandom());
    private final NodeKey payer = NodeKey.fromHex(Anvil.KEY1);
    private final String payoutAddress = NodeKey.generate(new SecureRandom()).ethereumAddress();
    private Anvil anvil;
    private Path home;
    private Path dataDir;
    private Process allInOne;
    private Path console;
    private int port;

    @Before
    public void start() throws Exception {
        anvil = new Anvil();
        home = Files.createTempDirectory("infernet-payout-it");
        dataDir = home.resolve("data");
        KeyFiles.write(dataDir.resolve("keys").resolve("platform.key"), platform);
        KeyFiles.write(KeyLayout.nodeKey(dataDir), node);
        port = freePort();
    }

    @After
    public void stop() throws Exception {
        if (allInOne != null) {
            allInOne.destroy();
            allInOne.waitFor(20, TimeUnit.SECONDS);
        }
        anvil.close();
    }

    @Test
    public void aRealJobOnTheAllInOneEndsAsUsdcAtTheOperatorsPayoutAddress() throws Exception {
        // the self-hoster deploys the contract with the platform's countersigning address (15 % fee)
        Deployer deployer = new Deployer(anvil.url, NodeKey.fromHex(Anvil.KEY0), Duration.ofMillis(50));
        String token = deployer.deployTestToken();
        Deployer.Deployment d = deployer.deployPayment(token, platform.ethereumAddress(), 1500);
        deployer.mintTestToken(token, payer.ethereumAddress(), BigInteger.valueOf(100_000_000));
        anvil.fund(node.ethereumAddress()); // the node key is the operator key: it pays the payout's gas

        // ... and configures the chain with a file in the config folder (docs/payments.md)
        Path conf = Files.createDirectories(dataDir.resolve("conf"));
        Files.writeString(conf.resolve("net.infernet.payments.evm.chain-anvil.cfg"), String.join("\n",
                "infernet.chain=anvil", "chain.id=" + Anvil.CHAIN_ID, "rpc.url=" + anvil.url,
                "contract.address=" + d.contractAddress(), "token.address=" + token, "confirmations=1",
                "minimum.payout=0.000001", "poll.interval.ms=50", ""));
        console = home.resolve("console.log");
        allInOne = launcher("up", "--demo").redirectOutput(console.toFile()).start();
        ClientApi client = new ClientApi("http://127.0.0.1:" + port, ClientApi.await("the demo token", 120,
                () -> ConsoleCapture.demoToken(console, Integer.toString(port))));
        client.awaitModel(MODEL);
        JsonNode escrow = ClientApi.await("settlement on", 60, () -> {
            try {
                JsonNode e = client.get("/api/v1/escrow");
                return e.path("settlement").asText().equals("on") ? Optional.of(e) : Optional.empty();
            } catch (Exception notYet) {
                return Optional.empty();
            }
        });
        assertEquals("anvil", escrow.path("chain").asText());
        assertEquals(d.contractAddress(), escrow.path("contract").asText());
        String account = escrow.path("account").asText();

        // without escrow the job is refused, and nothing runs
        int refused = client.post("/api/v1/jobs", ClientApi.job(MODEL, "Hello", 8).toString());
        assertEquals(400, refused);

        // the client deposits 2 USDC for its account; the job runs and the node's receipt is countersigned
        EvmChain payerChain = new EvmChain(settings(d, token), payer, home.resolve("payer"));
        payerChain.execute(token, PaymentContract.approveData(d.contractAddress(), BigInteger.valueOf(2_000_000)));
        payerChain.execute(d.contractAddress(), PaymentContract.depositData(account, BigInteger.valueOf(2_000_000)));
        ClientApi.Stream s = client.streamJob(ClientApi.job(MODEL, "Hello from the payout test", 24));
        assertEquals("[DONE]", s.end());
        Receipt receipt = ClientApi.await("the node keeps the countersigned receipt", 60, this::keptReceipt);
        ReceiptDomain domain = new ReceiptDomain(Anvil.CHAIN_ID, d.contractAddress());
        Receipts.verify(receipt, domain, platform.ethereumAddress());
        assertEquals("anvil", receipt.chain());
        assertEquals(account, receipt.clientPubkey());
        assertTrue(receipt.valueUsdc().signum() > 0);

        // the operator pays out with the CLI
        cli("payout", "chain", "--network", "anvil", "--rpc", anvil.url, "--contract", d.contractAddress(),
                "--chain-id", Long.toString(Anvil.CHAIN_ID), "--minimum", "0.000001");
        cli("payout", "set", "--coin", "USDC", "--address", payoutAddress, "--network", "anvil");
        String out = cli("payout", "--chain", "anvil");
        assertTrue(out, out.contains("Redeemed 1 receipts on anvil"));

        long value = receipt.valueUsdc().movePointRight(6).longValueExact();
        long net = value * 8500 / 10_000; // the operator's share, rounded down; the platform keeps the rest
        EvmChain operator = new EvmChain(settings(d, token), node, home.resolve("operator"));
        assertEquals(BigInteger.valueOf(net), PaymentContract.tokenBalance(anvil.rpc, token, payoutAddress));
        assertEquals(BigInteger.valueOf(value - net), operator.contract().feeBalance());
        assertEquals(new BigDecimal(2_000_000 - value).movePointLeft(6).compareTo(operator.escrowBalance(account)), 0);

        // the control plane's ledger learned it: 'infernet payments' shows the receipt as paid out
        JsonNode payments = ClientApi.JSON.readTree(cli("payments", "--json"));
        assertEquals(receipt.jobId(), payments.at("/recent/0/job_id").asText());
        assertEquals(new BigDecimal(net).movePointLeft(6).compareTo(new BigDecimal(payments.path("paid_out_usdc")
                .asText())), 0);
        assertEquals("0.00", payments.path("unclaimed_usdc").asText());

        // a second payout finds nothing new: refused with the reason, never paid twice
        String second = cli(1, "payout", "--chain", "anvil");
        assertTrue(second, second.contains("payout of 0 USDC is below the anvil minimum payout of 0.000001 USDC; "
                + "nothing was sent"));
        assertEquals(BigInteger.valueOf(net), PaymentContract.tokenBalance(anvil.rpc, token, payoutAddress));
    }

    private EvmChain.Settings settings(Deployer.Deployment d, String token) {
        return new EvmChain.Settings("anvil", Anvil.CHAIN_ID, anvil.url, d.contractAddress(), Optional.of(token), 1,
                new BigDecimal("0.000001"), Duration.ofMillis(50), Duration.ofSeconds(60));
    }

    /** What 'infernet payout' would redeem: the countersigned receipts the node kept for the chain. */
    private Optional<Receipt> keptReceipt() {
        try {
            return PayoutCommand.receipts(dataDir, "anvil").stream().findFirst();
        } catch (IOException | RuntimeException notYet) {
            return Optional.empty();
        }
    }

    private ProcessBuilder launcher(String... args) {
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--data-dir", dataDir.toString(), "--port", Integer.toString(port)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString()); // nothing of the user's ~/.infernet or ~/.config is touched
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb;
    }

    /** Runs an {@code infernet} command to the end; returns its output, failing the test on a non-zero exit. */
    private String cli(String... args) throws Exception {
        return cli(0, args);
    }

    /** Runs an {@code infernet} command to the end and checks its exit status; returns its output. */
    private String cli(int exit, String... args) throws Exception {
        Process p = launcher(args).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("infernet " + String.join(" ", args) + " finished", p.waitFor(120, TimeUnit.SECONDS));
        assertEquals("infernet " + String.join(" ", args) + ":\n" + out, exit, p.exitValue());
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

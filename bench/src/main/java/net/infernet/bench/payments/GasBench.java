package net.infernet.bench.payments;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.infernet.core.api.Receipt;
import net.infernet.payments.evm.Deployer;
import net.infernet.payments.evm.EvmChain;
import net.infernet.payments.evm.PaymentContract;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.ReceiptDomain;
import net.infernet.protocol.receipt.Receipts;

/**
 * Gas per redeemed receipt (issue 6): deploys TestUSDC and InfernetPayment on a fresh anvil and redeems batches of
 * 1, 10 and 100 countersigned receipts, printing a markdown table. Gas is deterministic, so one run suffices.
 * <p>
 * Run: {@code java -cp bench/target/benchmarks.jar net.infernet.bench.payments.GasBench [path/to/anvil]}
 * (default {@code tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil}, from the repository root).
 */
public final class GasBench {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY0 = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    private static final String KEY1 = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    private GasBench() {
    }

    public static void main(String[] args) throws Exception {
        Path anvilBinary = Path.of(args.length > 0 ? args[0]
                : "tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process anvil = new ProcessBuilder(anvilBinary.toString(), "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--chain-id", "31337", "--silent")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        Path dataDir = Files.createTempDirectory("gasbench");
        try {
            String url = "http://127.0.0.1:" + port;
            waitFor(url);
            run(url, dataDir);
        } finally {
            anvil.destroy();
        }
    }

    private static void run(String url, Path dataDir) throws Exception {
        NodeKey owner = NodeKey.fromHex(KEY0);
        NodeKey payer = NodeKey.fromHex(KEY1);
        NodeKey platform = NodeKey.generate(RANDOM);
        NodeKey node = NodeKey.generate(RANDOM);
        rpc(url, "anvil_setBalance", "\"" + node.ethereumAddress() + "\",\"0x56bc75e2d63100000\"");
        Deployer deployer = new Deployer(url, owner, Duration.ofMillis(10));
        String token = deployer.deployTestToken();
        Deployer.Deployment d = deployer.deployPayment(token, platform.ethereumAddress(), 1500);
        deployer.mintTestToken(token, payer.ethereumAddress(), BigInteger.valueOf(1_000_000_000_000L));
        EvmChain.Settings settings = new EvmChain.Settings("anvil", deployer.chainId(), url, d.contractAddress(),
                Optional.of(token), 1, BigDecimal.ONE, Duration.ofMillis(10), Duration.ofSeconds(60));
        EvmChain payerChain = new EvmChain(settings, payer, dataDir.resolve("payer"));
        payerChain.execute(token, PaymentContract.approveData(d.contractAddress(), BigInteger.TWO.pow(255)));
        for (String client : List.of("client_a", "client_b", "client_c", "client_d")) {
            payerChain.execute(d.contractAddress(), PaymentContract.depositData(client,
                    BigInteger.valueOf(10_000_000_000L)));
        }
        EvmChain chain = new EvmChain(settings, node, dataDir.resolve("node"));
        chain.registerNode(node);
        ReceiptDomain domain = chain.domain();

        System.out.println("| receipts per redeem tx | clients in batch | gas of the tx | gas per receipt |");
        System.out.println("|---:|---:|---:|---:|");
        long serial = 0;
        long first = redeem(chain, domain, node, platform, serial, 1, 1, false, 1);
        serial += 1;
        System.out.printf("| 1 (first ever: fresh bitmap word, balances) | 1 | %,d | %,d |%n", first, first);
        for (int clients : new int[] {1, 4}) {
            for (boolean grouped : new boolean[] {false, true}) {
                if (clients == 1 && grouped) {
                    continue;
                }
                for (int n : new int[] {1, 10, 100}) {
                    if (clients > n) {
                        continue;
                    }
                    long gas = redeem(chain, domain, node, platform, serial, n, clients, grouped, 1);
                    serial += n;
                    System.out.printf("| %d | %d%s | %,d | %,d |%n", n, clients,
                            clients == 1 ? "" : grouped ? " grouped by client (as payout() sends them)"
                                    : " interleaved", gas, gas / n);
                }
            }
        }
        // serials are the jobs' (contract version 2) and the store hands each node its own block of 256, so the rows
        // above are what a node pays. For comparison, one global counter: a node's serials interleave with the others'
        for (int nodes : new int[] {10, 100}) {
            long gas = redeem(chain, domain, node, platform, serial, 100, 1, false, nodes);
            serial += 100L * nodes;
            System.out.printf("| 100, one global counter (not used): one node of %d, every %dth serial | 1 | %,d | %,d |%n",
                    nodes, nodes, gas,
                    gas / 100);
        }
    }

    private static long redeem(EvmChain chain, ReceiptDomain domain, NodeKey node, NodeKey platform, long serial,
            int n, int clients, boolean grouped, int stride) {
        List<Receipt> receipts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String client = "client_" + (char) ('a' + i % clients);
            long s = serial + (long) i * stride;
            Receipt r = new Receipt("job_" + s, node.publicKeyHex(), client, "llama-3.1-8b-instruct", 812,
                    256, Instant.parse("2026-11-22T10:00:00Z"), new BigDecimal("0.00156"), "anvil", s,
                    Optional.empty(), Optional.empty());
            receipts.add(Receipts.countersign(Receipts.signAsNode(r, node, domain), platform, domain));
        }
        List<Receipt> batch = grouped ? EvmChain.inRedemptionOrder(receipts, domain) : receipts;
        return chain.execute(chain.contractAddress(), PaymentContract.redeemData(batch, domain)).gasUsed();
    }

    private static void waitFor(String url) throws Exception {
        for (int i = 0; i < 200; i++) {
            try {
                rpc(url, "eth_chainId", "");
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("anvil did not start at " + url);
    }

    private static String rpc(String url, String method, String params) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method
                        + "\",\"params\":[" + params + "]}")).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}

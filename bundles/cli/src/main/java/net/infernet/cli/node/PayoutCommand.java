package net.infernet.cli.node;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.infernet.cli.Cli;
import net.infernet.cli.Command;
import net.infernet.core.api.InfernetException;
import net.infernet.core.api.Receipt;
import net.infernet.core.payment.PayoutResult;
import net.infernet.node.config.NodeConfig;
import net.infernet.payments.evm.ChainPreset;
import net.infernet.payments.evm.EvmChain;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.NodeKey;
import net.infernet.protocol.receipt.Receipts;

/**
 * {@code infernet payout}: where earnings go per chain and turning countersigned receipts into USDC.
 * <pre>
 * infernet payout set --coin USDC --address 0x… --network base     (book form: payout --set-address 0x… --chain base)
 * infernet payout list
 * infernet payout chain --network base --rpc URL --contract 0x… [--chain-id N] [--minimum 1.00] [--confirmations N]
 * infernet payout auto on|off [--threshold 5.00] [--schedule hourly|daily|weekly]
 * infernet payout register [--network base] --key-file operator.key   node key earns for another operator key
 * infernet payout rotate --old-key keys/node.key.old-… [--network base]  after 'infernet keys rotate'
 * infernet payout [--chain base] [--key-file F]     redeem the node's pending receipts and withdraw
 * infernet payout --auto                            the same for cron, when auto_payout says it is due
 * </pre>
 * Receipts come from {@code <dataDir>/receipts/} (the node keeps every countersigned receipt there); the operator
 * key is {@code --key-file}, else {@code INFERNET_PAYOUT_KEY} (hex), else the node key.
 */
public final class PayoutCommand implements Command {
    private static final Set<String> VALUED = Set.of("--coin", "--address", "--network", "--set-address", "--chain",
            "--rpc", "--contract", "--chain-id", "--minimum", "--confirmations", "--threshold", "--schedule",
            "--key-file", "--old-key");
    private final Host host;

    public PayoutCommand() {
        this(Host.SYSTEM);
    }

    PayoutCommand(Host host) {
        this.host = host;
    }

    @Override
    public String name() {
        return "payout";
    }

    @Override
    public String summary() {
        return "redeem receipts and withdraw USDC; set/list payout addresses, chain, auto payout";
    }

    @Override
    public int run(List<String> args, Cli cli) throws IOException {
        Flags f;
        try {
            f = Flags.parse(args, VALUED);
        } catch (IllegalArgumentException e) {
            cli.err().println("infernet payout: " + e.getMessage());
            return Cli.USAGE;
        }
        NodeEnv env = new NodeEnv(cli, host);
        PayoutConfig config = PayoutConfig.read(env.configFile());
        String sub = f.positional().isEmpty() ? "" : f.positional().get(0);
        try {
            if (f.option("--set-address").isPresent()) {
                return set(cli, env, config, "USDC", f.option("--set-address").get(), f.option("--chain"));
            }
            return switch (sub) {
                case "set" -> set(cli, env, config, f.option("--coin").orElse("USDC"),
                        f.option("--address").orElse(""), f.option("--network").or(() -> f.option("--chain")));
                case "list" -> list(cli, config);
                case "chain" -> chain(cli, config, f);
                case "auto" -> auto(cli, config, f);
                case "register" -> register(cli, env, config, f);
                case "rotate" -> rotate(cli, env, config, f);
                case "" -> f.has("--auto") ? autoPayout(cli, env, config, f) : payout(cli, env, config, f, false);
                default -> {
                    cli.err().println("infernet payout: unknown sub-command '" + sub + "' (set, list, chain, auto)");
                    yield Cli.USAGE;
                }
            };
        } catch (InfernetException e) {
            cli.err().println("infernet payout: " + e.getMessage());
            return Cli.FAILED;
        }
    }

    private int set(Cli cli, NodeEnv env, PayoutConfig config, String coin, String address, Optional<String> network)
            throws IOException {
        if (!"USDC".equalsIgnoreCase(coin)) {
            cli.err().println("infernet payout: only USDC payouts are supported, not " + coin);
            return Cli.USAGE;
        }
        String chain = network.orElse("base");
        if (!EvmChain.isChecksummed(address)) {
            cli.err().println("infernet payout: " + (address.isEmpty() ? "--address is required"
                    : address + " is not an EIP-55 checksummed address; copy it exactly from your wallet"));
            return Cli.USAGE;
        }
        config.setDestination(chain, address);
        config.write();
        cli.out().println("Payouts on " + chain + " go to " + address + " (USDC)");
        tellControlPlane(cli, env, chain, address);
        return Cli.OK;
    }

    /** Best effort: the control plane shows the destination in the dashboard; payouts work without it. */
    private void tellControlPlane(Cli cli, NodeEnv env, String chain, String address) {
        tellControlPlane(cli, env, "/payouts", Map.of("coin", "USDC", "network", chain, "address", address),
                "did not take the payout address", "saved locally only");
    }

    /** Best effort: the control plane's ledger (and 'infernet payments') then counts these receipts as paid out. */
    private void reportRedeemed(Cli cli, NodeEnv env, List<String> jobIds) {
        if (!jobIds.isEmpty()) {
            tellControlPlane(cli, env, "/receipts/redeemed", Map.of("job_ids", jobIds), "did not record the payout",
                    "the payout is done, but 'infernet payments' keeps counting these receipts as unclaimed");
        }
    }

    /** A signed POST to {@code /api/v1/nodes/<id><path>} whose failure is only a note: the local action is done. */
    private void tellControlPlane(Cli cli, NodeEnv env, String path, Map<String, ?> body, String refused,
            String unreachable) {
        Optional<String> id = env.config().flatMap(NodeConfig::nodeId);
        if (id.isEmpty() || env.key().isEmpty()) {
            return;
        }
        try {
            NodeHttp.Answer a = env.http().post(NodeEnv.at(env.controlPlane(), "/api/v1/nodes/" + id.get() + path),
                    body, true, Optional.empty());
            if (!a.ok()) {
                cli.err().println("note: control plane " + refused + ": " + a.error());
            }
        } catch (IOException e) {
            cli.err().println("note: control plane " + env.controlPlane() + " not reachable; " + unreachable);
        }
    }

    private int list(Cli cli, PayoutConfig config) {
        Map<String, String> d = config.destinations();
        if (d.isEmpty()) {
            cli.out().println("No payout addresses; set one with: infernet payout set --coin USDC --address 0x… "
                    + "--network base");
            return Cli.OK;
        }
        cli.out().printf("%-10s %-5s %-42s %s%n", "Chain", "Coin", "Address", "Minimum payout");
        d.forEach((chain, address) -> cli.out().printf("%-10s %-5s %-42s %s%n", chain, "USDC", address,
                ChainPreset.of(chain).map(p -> p.minimumPayout().toPlainString() + " USDC").orElse("-")));
        if (config.autoPayout()) {
            cli.out().println("Auto payout: on, " + Receipts.amount(config.autoThreshold()) + " USDC threshold");
        }
        return Cli.OK;
    }

    private int chain(Cli cli, PayoutConfig config, Flags f) throws IOException {
        Optional<String> network = f.option("--network").or(() -> f.option("--chain"));
        Optional<String> rpc = f.option("--rpc");
        Optional<String> contract = f.option("--contract");
        if (network.isEmpty() || rpc.isEmpty() || contract.isEmpty()) {
            cli.err().println("usage: infernet payout chain --network NAME --rpc URL --contract 0x… [--chain-id N] "
                    + "[--minimum USDC]");
            return Cli.USAGE;
        }
        if (!EvmChain.isChecksummed(contract.get())) {
            cli.err().println("infernet payout: contract " + contract.get() + " is not an EIP-55 checksummed address");
            return Cli.USAGE;
        }
        config.setChain(network.get(), rpc.get(), contract.get(), f.option("--chain-id").map(Long::parseLong),
                f.option("--minimum"));
        config.chainSettings(network.get()); // refuse to save a chain that could not be used
        config.write();
        cli.out().println("Chain " + network.get() + ": contract " + contract.get() + " via " + rpc.get());
        return Cli.OK;
    }

    private int auto(Cli cli, PayoutConfig config, Flags f) throws IOException {
        String state = f.positional().size() > 1 ? f.positional().get(1) : "";
        if (!state.equals("on") && !state.equals("off")) {
            cli.err().println("usage: infernet payout auto on|off [--threshold USDC] [--schedule hourly|daily|weekly]");
            return Cli.USAGE;
        }
        config.setAuto(state.equals("on"), f.option("--threshold"), f.option("--schedule"));
        config.autoSchedule(); // validates
        config.write();
        cli.out().println("Auto payout " + state + (state.equals("on") ? " (run 'infernet payout --auto' from cron; "
                + "it pays out when due)" : ""));
        return Cli.OK;
    }

    /**
     * Registers this node's key with the payment contract for the operator key ({@code --key-file} or
     * INFERNET_PAYOUT_KEY): needed when the operator key is not the node key; payout does it itself otherwise.
     */
    private int register(Cli cli, NodeEnv env, PayoutConfig config, Flags f) {
        String chain = chainOf(f, config);
        NodeKey nodeKey = env.key().orElseThrow(() -> new InfernetException(
                net.infernet.core.api.ErrorCode.BAD_REQUEST, "no node key at " + env.keyFile()));
        EvmChain evm = new EvmChain(config.chainSettings(chain), signer(cli, env, f), cli.dataDir());
        Optional<?> tx = evm.registerNode(nodeKey);
        cli.out().println("Node key " + nodeKey.ethereumAddress() + (tx.isPresent() ? " now earns" : " already earns")
                + " for operator " + evm.operatorAddress() + " on " + chain);
        return Cli.OK;
    }

    /**
     * Moves the contract's node registration from the old node key (after {@code infernet keys rotate}) to the
     * current one: both keys sign, the operator keeps earning, old-key receipts stay redeemable for 24 hours. The
     * transaction is sent by {@code --key-file}, else the old key (by default the operator key).
     */
    private int rotate(Cli cli, NodeEnv env, PayoutConfig config, Flags f) {
        Optional<String> oldFile = f.option("--old-key");
        if (oldFile.isEmpty()) {
            cli.err().println("usage: infernet payout rotate --old-key <dataDir>/keys/node.key.old-<time> "
                    + "[--network base] [--key-file operator.key]");
            return Cli.USAGE;
        }
        String chain = chainOf(f, config);
        NodeKey oldKey = KeyFiles.load(Path.of(oldFile.get()));
        NodeKey newKey = env.key().orElseThrow(() -> new InfernetException(
                net.infernet.core.api.ErrorCode.BAD_REQUEST, "no node key at " + env.keyFile()));
        NodeKey sender = f.option("--key-file").map(k -> KeyFiles.load(Path.of(k))).orElse(oldKey);
        EvmChain evm = new EvmChain(config.chainSettings(chain), sender, cli.dataDir());
        String operator = evm.contract().node(oldKey.ethereumAddress()).operator().orElse("?");
        evm.rotateNode(oldKey, newKey);
        cli.out().println("Node key " + oldKey.ethereumAddress() + " -> " + newKey.ethereumAddress() + " on " + chain
                + ", still earning for operator " + operator);
        cli.out().println("Receipts of the old key stay redeemable for 24 hours; pay out as the operator"
                + (operator.equals(oldKey.ethereumAddress()) ? " (--key-file " + oldFile.get() + ")" : ""));
        return Cli.OK;
    }

    /** For cron: pays out only when auto_payout is on, the schedule is due and the threshold is reached. */
    private int autoPayout(Cli cli, NodeEnv env, PayoutConfig config, Flags f) throws IOException {
        if (!config.autoPayout()) {
            cli.out().println("Auto payout is off (infernet payout auto on)");
            return Cli.OK;
        }
        Path stamp = cli.dataDir().resolve("payments").resolve("last-auto-payout");
        Instant now = host.clock().instant();
        if (Files.exists(stamp)) {
            Instant last = Instant.ofEpochSecond(Long.parseLong(Files.readString(stamp).trim()));
            if (last.plus(config.autoSchedule()).isAfter(now)) {
                cli.out().println("Auto payout not due until " + last.plus(config.autoSchedule()));
                return Cli.OK;
            }
        }
        return payout(cli, env, config, f, true);
    }

    private int payout(Cli cli, NodeEnv env, PayoutConfig config, Flags f, boolean auto) throws IOException {
        String chain = f.option("--chain").or(config::defaultChain).orElse(null);
        if (chain == null) {
            cli.err().println("infernet payout: no payout address; set one with: infernet payout set --coin USDC "
                    + "--address 0x… --network base");
            return Cli.FAILED;
        }
        String address = config.destinations().get(chain);
        if (address == null) {
            cli.err().println("infernet payout: no payout address for " + chain + "; infernet payout set --coin USDC "
                    + "--address 0x… --network " + chain);
            return Cli.FAILED;
        }
        NodeKey signer = signer(cli, env, f);
        EvmChain evm = new EvmChain(config.chainSettings(chain), signer, cli.dataDir());
        List<Receipt> receipts = receipts(cli.dataDir(), chain);
        EvmChain.Screened screened = evm.screen(receipts);
        screened.skipped().forEach(k -> cli.err().println("skipped: " + k.reason()));
        if (auto) {
            BigDecimal due = usdc(evm.expectedPayoutMicro(screened.redeemable()));
            BigDecimal floor = config.autoThreshold().max(evm.minimumPayout());
            if (due.compareTo(floor) < 0) {
                cli.out().println("Auto payout: " + Receipts.amount(due) + " USDC due, waiting for "
                        + Receipts.amount(floor) + " USDC");
                return Cli.OK;
            }
        }
        PayoutResult r = evm.payout(receipts, address);
        cli.out().println("Redeemed " + r.redeemedJobIds().size() + " receipts on " + chain);
        cli.out().println("Withdrew " + Receipts.amount(r.withdrawnUsdc()) + " USDC to " + address);
        r.transactionHashes().forEach(h -> cli.out().println("  tx " + h));
        reportRedeemed(cli, env, r.redeemedJobIds());
        if (auto) {
            Path stamp = Files.createDirectories(cli.dataDir().resolve("payments")).resolve("last-auto-payout");
            Files.writeString(stamp, Long.toString(host.clock().instant().getEpochSecond()));
        }
        return Cli.OK;
    }

    private static BigDecimal usdc(BigInteger micro) {
        return new BigDecimal(micro).movePointLeft(6);
    }

    private static NodeKey signer(Cli cli, NodeEnv env, Flags f) {
        Optional<String> file = f.option("--key-file");
        if (file.isPresent()) {
            return KeyFiles.load(Path.of(file.get()));
        }
        String hex = cli.env().get("INFERNET_PAYOUT_KEY");
        if (hex != null && !hex.isBlank()) {
            return NodeKey.fromHex(hex.trim().replaceFirst("^0x", ""));
        }
        return env.key().orElseThrow(() -> new InfernetException(net.infernet.core.api.ErrorCode.BAD_REQUEST,
                "no node key at " + env.keyFile() + "; run 'infernet setup' or pass --key-file"));
    }

    /** {@code --network} (or {@code --chain}), else the configured payout chain, else base. */
    private static String chainOf(Flags f, PayoutConfig config) {
        return f.option("--network").or(() -> f.option("--chain")).or(config::defaultChain).orElse("base");
    }

    /** Countersigned receipts of {@code chain} the node kept under {@code <dataDir>/receipts/}. */
    public static List<Receipt> receipts(Path dataDir, String chain) throws IOException {
        Path dir = dataDir.resolve("receipts");
        List<Receipt> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : files) {
                Receipt r = Receipts.parseJson(Files.readString(p));
                if (r.chain().equals(chain) && r.platformSignature().isPresent()) {
                    out.add(r);
                }
            }
        }
        return out;
    }
}

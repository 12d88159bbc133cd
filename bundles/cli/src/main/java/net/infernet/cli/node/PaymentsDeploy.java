package net.infernet.cli.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.infernet.cli.Cli;
import net.infernet.core.api.InfernetException;
import net.infernet.payments.evm.ChainPreset;
import net.infernet.payments.evm.Deployer;
import net.infernet.payments.evm.EvmChain;
import net.infernet.protocol.keys.KeyFiles;
import net.infernet.protocol.keys.NodeKey;

/**
 * {@code infernet payments deploy --rpc URL --token 0x…|test --key-file F [--platform-signer 0x…] [--fee-bps 1500]
 * [--name base]}: deploys the InfernetPayment contract the bundle ships and prints the addresses and the chain
 * configuration to drop into the control plane's and nodes' {@code deploy/} folder. {@code --token test} first
 * deploys a mintable 6-decimals TestUSDC (local chains only). The platform signer defaults to the address of
 * {@code <dataDir>/keys/platform.key} or {@code PLATFORM_SIGNING_KEY}.
 */
final class PaymentsDeploy {
    private static final Set<String> VALUED = Set.of("--rpc", "--token", "--key-file", "--platform-signer",
            "--fee-bps", "--name");

    int run(List<String> args, Cli cli) {
        Flags f;
        try {
            f = Flags.parse(args, VALUED);
        } catch (IllegalArgumentException e) {
            cli.err().println("infernet payments deploy: " + e.getMessage());
            return Cli.USAGE;
        }
        Optional<String> rpc = f.option("--rpc");
        Optional<String> token = f.option("--token");
        Optional<String> keyFile = f.option("--key-file");
        if (rpc.isEmpty() || token.isEmpty() || keyFile.isEmpty()) {
            cli.err().println("usage: infernet payments deploy --rpc URL --token 0x…|test --key-file FILE "
                    + "[--platform-signer 0x…] [--fee-bps 1500] [--name base]");
            return Cli.USAGE;
        }
        try {
            NodeKey deployerKey = KeyFiles.load(Path.of(keyFile.get()));
            Optional<String> signer = f.option("--platform-signer").or(() -> platformAddress(cli));
            if (signer.isEmpty() || !EvmChain.isChecksummed(signer.get())) {
                cli.err().println("infernet payments deploy: --platform-signer must be the EIP-55 address of the "
                        + "control plane's platform key (none found at keys/platform.key or PLATFORM_SIGNING_KEY)");
                return Cli.USAGE;
            }
            if (!token.get().equals("test") && !EvmChain.isChecksummed(token.get())) {
                cli.err().println("infernet payments deploy: --token " + token.get() + " is not an EIP-55 address");
                return Cli.USAGE;
            }
            int fee = Integer.parseInt(f.option("--fee-bps").orElse("1500"));
            Deployer deployer = new Deployer(rpc.get(), deployerKey, Duration.ofSeconds(1));
            String tokenAddress = token.get().equals("test") ? deployer.deployTestToken() : token.get();
            Deployer.Deployment d = deployer.deployPayment(tokenAddress, signer.get(), fee);
            String name = f.option("--name").or(() -> java.util.Arrays.stream(ChainPreset.values())
                    .filter(p -> p.chainId() == d.chainId()).map(ChainPreset::chain).findFirst()).orElse("local");
            print(cli, d, name, rpc.get());
            return Cli.OK;
        } catch (InfernetException | IllegalArgumentException e) {
            cli.err().println("infernet payments deploy: " + e.getMessage());
            return Cli.FAILED;
        }
    }

    private static Optional<String> platformAddress(Cli cli) {
        Path file = cli.dataDir().resolve("keys").resolve("platform.key");
        if (Files.exists(file)) {
            return Optional.of(KeyFiles.load(file).ethereumAddress());
        }
        return Optional.ofNullable(cli.env().get("PLATFORM_SIGNING_KEY")).filter(s -> !s.isBlank())
                .map(s -> NodeKey.fromHex(s.trim().replaceFirst("^0x", "")).ethereumAddress());
    }

    private static void print(Cli cli, Deployer.Deployment d, String name, String rpc) {
        var out = cli.out();
        out.println("Deployed InfernetPayment on chain " + d.chainId() + " (tx " + d.transactionHash() + ", block "
                + d.blockNumber() + ")");
        out.println("  contract_address = " + d.contractAddress());
        out.println("  token_address    = " + d.tokenAddress());
        out.println("  platform_signer  = " + d.platformSigner());
        out.println("  fee_bps          = " + d.feeBps());
        out.println();
        out.println("# deploy/net.infernet.payments.evm.chain~" + name + ".cfg");
        out.println("infernet.chain=\"" + name + "\"");
        out.println("chain.id=L\"" + d.chainId() + "\"");
        out.println("rpc.url=\"" + rpc + "\"");
        out.println("contract.address=\"" + d.contractAddress() + "\"");
        out.println("token.address=\"" + d.tokenAddress() + "\"");
        out.println();
        out.println("# operators: infernet payout chain --network " + name + " --rpc " + rpc + " --contract "
                + d.contractAddress() + (ChainPreset.of(name).isPresent() ? "" : " --chain-id " + d.chainId()
                + " --minimum 1.00"));
    }
}

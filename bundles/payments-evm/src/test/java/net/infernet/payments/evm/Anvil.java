package net.infernet.payments.evm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real anvil (npm @foundry-rs/anvil, installed by the tools module) on a free loopback port, stopped by its own
 * process handle. Shared with the distribution's payout IT through this module's test jar.
 */
public final class Anvil implements AutoCloseable {
    static final Path BINARY = binary();
    public static final long CHAIN_ID = 31337;
    /** anvil's funded default account #0 (public test key). */
    public static final String KEY0 = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    /** anvil's funded default account #1 (public test key). */
    public static final String KEY1 = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    private final Process process;
    public final String url;
    public final Rpc rpc;

    /** tools/node_modules/... of the checkout, found from the module the tests run in. */
    private static Path binary() {
        Path rel = Path.of("tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve(rel))) {
                return dir.resolve(rel);
            }
        }
        return Path.of("../..").resolve(rel).toAbsolutePath().normalize();
    }

    public Anvil() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " is missing: run the tools module (npm install in tools/)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        process = new ProcessBuilder(BINARY.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--chain-id", Long.toString(CHAIN_ID), "--silent").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        url = "http://127.0.0.1:" + port;
        rpc = new Rpc(url, Duration.ofSeconds(10));
        for (int i = 0; ; i++) {
            try {
                rpc.call("eth_chainId");
                return;
            } catch (RuntimeException notYet) {
                if (i > 200 || !process.isAlive()) {
                    close();
                    throw new IOException("anvil did not start on port " + port, notYet);
                }
                Thread.sleep(50);
            }
        }
    }

    JsonNode call(String method, Object... params) {
        return rpc.call(method, params);
    }

    void increaseTime(long seconds) {
        call("evm_increaseTime", seconds);
        call("evm_mine");
    }

    void automine(boolean on) {
        call("evm_setAutomine", on);
    }

    public void fund(String address) {
        call("anvil_setBalance", address, "0x56bc75e2d63100000"); // 100 ETH
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package net.infernet.payments.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract the bundle deploys is the one in contracts/: recompiling the Solidity sources with the pinned solc
 * (tools/node_modules, same settings, no metadata hash) reproduces the shipped artifacts byte for byte.
 */
class ShippedArtifactTest {
    static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    static final Path SHIPPED = Path.of("src/main/resources/net/infernet/payments/evm");

    @Test
    void shippedArtifactsMatchTheSoliditySources(@TempDir Path out) throws Exception {
        assertTrue(Files.isDirectory(ROOT.resolve("tools/node_modules/solc")),
                "tools/node_modules/solc is missing: run the tools module (npm install in tools/)");
        Process p = new ProcessBuilder("node", ROOT.resolve("contracts/compile.js").toString(), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "solc did not finish");
        assertEquals(0, p.exitValue(), log);
        for (String name : new String[] {"InfernetPayment.json", "TestUSDC.json"}) {
            assertEquals(Files.readString(SHIPPED.resolve(name)), Files.readString(out.resolve(name)),
                    name + " differs from a fresh compile of contracts/: run contracts/build.sh and commit");
        }
    }
}

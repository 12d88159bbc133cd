package net.infernet.bench.protocol;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import net.infernet.protocol.auth.RequestSigner;
import net.infernet.protocol.auth.RequestVerifier;
import net.infernet.protocol.crypto.Ecdsa;
import net.infernet.protocol.crypto.Hashes;
import net.infernet.protocol.crypto.Schnorr;
import net.infernet.protocol.crypto.Secp256k1;
import net.infernet.protocol.keys.NodeKey;
import org.bouncycastle.math.ec.ECPoint;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Signatures per second on one thread (= per core): BIP-340 Schnorr verify, RFC 6979 ECDSA sign, and the full
 * control-plane {@code X-Infernet-Auth} check (parse, skew, SHA-256s, Schnorr verify, nonce cache insert). The
 * {@code …BouncyCastle} twins run the same code in a JVM started with {@code -Dinfernet.crypto.native=false}: the
 * baseline for libsecp256k1. Run {@code java -cp bench/target/benchmarks.jar
 * net.infernet.bench.protocol.ProtocolBench} for every benchmark plus the ratios, or the JMH jar for a selection.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class ProtocolBench {
    private static final byte[] BODY = ("{\"node_id\":\"node_0123456789abcdef\",\"status\":\"online\",\"served_models\":"
            + "[\"qwen2.5:14b\",\"llama3.2:3b\"],\"load\":{\"active_jobs\":1,\"max_jobs\":4},\"gpu\":{\"name\":"
            + "\"NVIDIA RTX 4090\",\"vram_total_mb\":24564,\"vram_used_mb\":10240,\"utilization\":37},"
            + "\"tokens_per_second\":61.5}").getBytes(StandardCharsets.UTF_8);

    @State(Scope.Thread)
    public static class Primitives {
        byte[] secret;
        byte[] xOnly;
        ECPoint point;
        byte[] message;
        byte[] schnorrSig;

        @Setup
        public void setup() {
            NodeKey k = NodeKey.generate(new SecureRandom());
            secret = k.privateKey();
            xOnly = k.xOnlyPublicKey();
            point = Secp256k1.liftX(xOnly).orElseThrow();
            message = Hashes.sha256("heartbeat");
            schnorrSig = Schnorr.sign(message, secret, new byte[32]);
        }
    }

    /**
     * Pre-signed heartbeats from {@code nodes} distinct node keys, each with its own nonce. With 1,000 nodes every key
     * stays in the verifier's lifted-key cache (4,096); with 40,000 nearly every request is a cache miss, as on a
     * control plane with more nodes than the cache holds.
     */
    @State(Scope.Thread)
    public static class SignedHeartbeats {
        @Param({"1000", "40000"})
        int nodes;
        static final int HEADERS = 40_000;
        final Instant signedAt = Instant.parse("2026-04-30T14:23:43Z");
        String[] headers;
        String[] pubkeys;
        RequestVerifier verifier;
        int next;

        @Setup(Level.Trial)
        public void sign() {
            Clock clock = Clock.fixed(signedAt, ZoneOffset.UTC);
            SecureRandom r = new SecureRandom();
            RequestSigner[] signers = new RequestSigner[nodes];
            for (int i = 0; i < nodes; i++) {
                signers[i] = new RequestSigner(NodeKey.generate(r), clock);
            }
            headers = new String[HEADERS];
            pubkeys = new String[HEADERS];
            for (int i = 0; i < HEADERS; i++) {
                RequestSigner s = signers[i % nodes];
                headers[i] = s.sign("POST", "/api/v1/heartbeat", BODY);
                pubkeys[i] = s.publicKeyHex();
            }
        }

        @Setup(Level.Iteration)
        public void freshVerifier() {
            verifier = new RequestVerifier(Clock.fixed(signedAt.plusSeconds(2), ZoneOffset.UTC), 1_000_000);
            next = 0;
        }

        int nextIndex() {
            if (next == HEADERS) {
                // every header once per verifier: a wrap-around would be a (correctly rejected) replay
                freshVerifier();
            }
            return next++;
        }
    }

    @Benchmark
    public boolean schnorrVerify(Primitives p) {
        return Schnorr.verify(p.message, p.xOnly, p.schnorrSig);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = BOUNCY_CASTLE)
    public boolean schnorrVerifyBouncyCastle(Primitives p) {
        return Schnorr.verify(p.message, p.xOnly, p.schnorrSig);
    }

    @Benchmark
    public boolean schnorrVerifyLiftedKey(Primitives p) {
        return Schnorr.verify(p.message, p.point, p.xOnly, p.schnorrSig);
    }

    @Benchmark
    public byte[] schnorrSign(Primitives p) {
        return Schnorr.sign(p.message, p.secret, p.message);
    }

    @Benchmark
    public String requestSign(Signer s) {
        return s.signer.sign("POST", "/api/v1/heartbeat", BODY);
    }

    @State(Scope.Thread)
    public static class Signer {
        RequestSigner signer;

        @Setup
        public void setup() {
            signer = new RequestSigner(NodeKey.generate(new SecureRandom()), Clock.systemUTC());
        }
    }

    @Benchmark
    public Ecdsa.Signature ecdsaSign(Primitives p) {
        return Ecdsa.sign(p.message, p.secret);
    }

    @Benchmark
    public RequestVerifier authVerify(SignedHeartbeats s) {
        int i = s.nextIndex();
        s.verifier.verify("POST", "/api/v1/heartbeat", BODY, s.headers[i], s.pubkeys[i]);
        return s.verifier;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = BOUNCY_CASTLE)
    public RequestVerifier authVerifyBouncyCastle(SignedHeartbeats s) {
        return authVerify(s);
    }

    static final String BOUNCY_CASTLE = "-Dinfernet.crypto.native=false";

    /** Runs every benchmark of this class, then prints each native result against its BouncyCastle twin. */
    public static void main(String[] args) throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(ProtocolBench.class.getName() + "\\.").build()).run();
        Map<String, Double> score = new TreeMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            String nodes = r.getParams().getParam("nodes");
            score.put(name + (nodes == null ? "" : " nodes=" + nodes), r.getPrimaryResult().getScore());
        }
        System.out.println("\nlibsecp256k1 against BouncyCastle, same code, same run (ops/s per core):");
        score.forEach((twin, base) -> {
            if (twin.contains("BouncyCastle")) {
                String name = twin.replace("BouncyCastle", "");
                double ops = score.get(name);
                System.out.printf("  %-26s %,9.0f vs %,9.0f  = %.2fx%n", name, ops, base, ops / base);
            }
        });
    }
}

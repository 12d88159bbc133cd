package net.infernet.bench.protocol;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import net.infernet.protocol.crypto.Hashes;
import net.infernet.protocol.crypto.Secp256k1;
import net.infernet.protocol.keys.NodeKey;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.WNafUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where a Schnorr verification spends its time (µs per operation): lifting the x-only key, the double-scalar
 * multiplication s·G − e·P (BouncyCastle GLV + wNAF), the final normalisation, a fixed-base comb multiplication and
 * SHA-256. Used to decide what to precompute; see docs/benchmarks.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Thread)
public class Secp256k1Breakdown {
    byte[] x;
    ECPoint p;
    ECPoint pWide;
    BigInteger s;
    BigInteger e;
    ECPoint jacobian;

    @Setup
    public void setup() {
        x = NodeKey.generate(new SecureRandom()).xOnlyPublicKey();
        p = Secp256k1.liftX(x).orElseThrow();
        pWide = Secp256k1.liftX(x).orElseThrow();
        WNafUtil.precompute(pWide, 8, true);
        s = new BigInteger(1, Hashes.sha256("s")).mod(Secp256k1.N);
        e = new BigInteger(1, Hashes.sha256("e")).mod(Secp256k1.N);
        jacobian = ECAlgorithms.sumOfTwoMultiplies(Secp256k1.G, s, p, e);
    }

    @Benchmark
    public Object liftX() {
        return Secp256k1.liftX(x);
    }

    @Benchmark
    public Object doubleScalarMultiply() {
        return ECAlgorithms.sumOfTwoMultiplies(Secp256k1.G, s, p, e);
    }

    @Benchmark
    public Object doubleScalarMultiplyWideKeyTable() {
        return ECAlgorithms.sumOfTwoMultiplies(Secp256k1.G, s, pWide, e);
    }

    @Benchmark
    public Object normalize() {
        return jacobian.normalize();
    }

    @Benchmark
    public Object fixedBaseComb() {
        return Secp256k1.multiplyG(s);
    }

    @Benchmark
    public Object sha256() {
        return Hashes.sha256(x);
    }
}

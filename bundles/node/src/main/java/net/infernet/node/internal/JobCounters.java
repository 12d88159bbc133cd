package net.infernet.node.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** The counts, kept apart from the job runner so reports can read them without depending on it. */
@Component
public final class JobCounters implements JobStats {
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Optional<Double>> speed = new AtomicReference<>(Optional.empty());
    private final List<EngineTimings> timings = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindTimings(EngineTimings t) {
        timings.add(t);
    }

    public void unbindTimings(EngineTimings t) {
        timings.remove(t);
    }

    @Override
    public void timed(Duration firstToken, Duration generation, int completionTokens) {
        for (EngineTimings t : timings) {
            t.generated(firstToken, generation, completionTokens);
        }
    }

    @Override
    public int running() {
        return running.get();
    }

    @Override
    public long completed() {
        return completed.get();
    }

    @Override
    public long failed() {
        return failed.get();
    }

    @Override
    public Optional<Double> tokensPerSecond() {
        return speed.get();
    }

    @Override
    public void started() {
        running.incrementAndGet();
    }

    @Override
    public void ended(boolean wasCompleted, boolean wasFailed, Optional<Double> tokensPerSecond) {
        running.decrementAndGet();
        if (wasCompleted) {
            completed.incrementAndGet();
            tokensPerSecond.ifPresent(t -> speed.set(Optional.of(t)));
        }
        if (wasFailed) {
            failed.incrementAndGet();
        }
    }
}

package net.infernet.controlplane.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: writes that arrive while the previous transaction is committing go to the store together, in one
 * transaction, by one writer thread. A lone write is committed at once (no added latency); under load the batch
 * grows by itself, up to {@code maxBatch}, and the store sees a few large transactions instead of one per job.
 *
 * @param <T> what is written
 * @param <R> the store's answer for each write
 */
public final class GroupCommit<T, R> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    private record Pending<T, R>(T item, CompletableFuture<R> result) {
    }

    @SuppressWarnings("rawtypes")
    private static final Pending STOP = new Pending<>(null, null);
    private final BlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();
    private final Function<List<T>, List<R>> write;
    private final int maxBatch;
    private final Thread writer;
    private volatile boolean closed;

    /** @param write stores the items in one transaction and answers for each, in order */
    public GroupCommit(String name, Function<List<T>, List<R>> write, int maxBatch) {
        this.write = write;
        this.maxBatch = maxBatch;
        this.writer = new Thread(this::run, "infernet-commit-" + name);
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues one write; the future completes on the writer thread once its transaction committed (or failed). */
    public CompletableFuture<R> submit(T item) {
        CompletableFuture<R> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new IllegalStateException("the control plane is stopping"));
            return f;
        }
        queue.add(new Pending<>(item, f));
        return f;
    }

    private void run() {
        List<Pending<T, R>> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, maxBatch - 1);
            // the writer is never interrupted (an interrupt inside JDBC can close H2's file): close() queues a stop
            stop = batch.removeIf(p -> p == STOP);
            if (batch.isEmpty()) {
                continue;
            }
            commit(batch);
            batch.clear();
        }
        List<Pending<T, R>> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.result().completeExceptionally(new IllegalStateException("the control plane stopped")));
    }

    /**
     * One transaction for the batch. When it fails, each write is tried alone, so one write the store refuses (a
     * value too long for its column) fails only itself, not the writes that arrived with it.
     */
    private void commit(List<Pending<T, R>> batch) {
        List<T> items = new ArrayList<>(batch.size());
        batch.forEach(p -> items.add(p.item()));
        try {
            List<R> answers = write.apply(items);
            for (int i = 0; i < batch.size(); i++) {
                complete(batch.get(i).result(), answers.get(i));
            }
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                LOG.warn("event=group_commit_failed writes=1 error=\"{}\"", e.toString());
                batch.get(0).result().completeExceptionally(e);
                return;
            }
            LOG.warn("event=group_commit_failed writes={} retry=one_by_one error=\"{}\"", batch.size(), e.toString());
            batch.forEach(p -> commit(List.of(p)));
        }
    }

    private static <R> void complete(CompletableFuture<R> f, R answer) {
        try {
            f.complete(answer);
        } catch (RuntimeException e) {
            // a dependent action failed: it must not stop the writer for everyone else
            LOG.warn("event=group_commit_callback_failed error=\"{}\"", e.toString());
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void close() {
        closed = true;
        queue.add(STOP);
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package net.infernet.payments.evm;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Transactions signed and possibly sent but not yet confirmed, one small JSON file per chain
 * ({@code <dataDir>/payments/evm-<chain>.json}). A hash is written BEFORE its transaction is sent, so after a crash
 * the next payout first waits for (or writes off) every transaction that may be in flight instead of sending a
 * second one. Paying twice is impossible anyway (the contract redeems a receipt once and withdraws whole
 * balances); the journal avoids reverted duplicates and wasted gas.
 */
final class PayoutJournal {
    /** One in-flight transaction: what it does and which receipts it redeems. */
    record Entry(String kind, String hash, long nonce, List<String> jobIds) {
        Entry {
            jobIds = List.copyOf(jobIds);
        }
    }

    private final Path file;

    PayoutJournal(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    synchronized List<Entry> pending() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Rpc.JSON.readValue(file.toFile(), new TypeReference<List<Entry>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable payout journal " + file, e);
        }
    }

    synchronized void add(Entry e) {
        List<Entry> all = new ArrayList<>(pending());
        all.add(e);
        write(all);
    }

    synchronized void remove(String hash) {
        List<Entry> all = new ArrayList<>(pending());
        all.removeIf(e -> e.hash().equals(hash));
        write(all);
    }

    private void write(List<Entry> entries) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Rpc.JSON.writeValue(tmp.toFile(), entries);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write payout journal " + file, e);
        }
    }
}

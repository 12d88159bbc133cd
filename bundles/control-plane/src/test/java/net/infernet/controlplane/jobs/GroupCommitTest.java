package net.infernet.controlplane.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
    @Test
    void writesThatArriveDuringACommitGoTogetherInTheNextOne() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> transactions = new ArrayList<>();
        try (GroupCommit<Integer, Integer> commits = new GroupCommit<>("test", items -> {
            synchronized (transactions) {
                transactions.add(List.copyOf(items));
            }
            firstStarted.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return items.stream().map(i -> i * 10).toList();
        }, 100)) {
            CompletableFuture<Integer> first = commits.submit(1);
            assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
            List<CompletableFuture<Integer>> rest = new ArrayList<>();
            for (int i = 2; i <= 5; i++) {
                rest.add(commits.submit(i)); // the first transaction is still committing
            }
            release.countDown();
            assertEquals(10, first.get(10, TimeUnit.SECONDS));
            for (int i = 0; i < rest.size(); i++) {
                assertEquals((i + 2) * 10, rest.get(i).get(10, TimeUnit.SECONDS), "each gets its own answer");
            }
            assertEquals(List.of(List.of(1), List.of(2, 3, 4, 5)), transactions);
        }
    }

    @Test
    void aWriteTheStoreRefusesFailsAloneNotTheOnesThatCameWithIt() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        try (GroupCommit<String, String> commits = new GroupCommit<>("test", items -> {
            if (items.contains("block")) {
                try {
                    hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (items.contains("poison")) {
                throw new IllegalStateException("value too long");
            }
            return items.stream().map(String::toUpperCase).toList();
        }, 100)) {
            CompletableFuture<String> block = commits.submit("block");
            CompletableFuture<String> a = commits.submit("a");
            CompletableFuture<String> poison = commits.submit("poison");
            CompletableFuture<String> b = commits.submit("b");
            hold.countDown();
            assertEquals("BLOCK", block.get(10, TimeUnit.SECONDS));
            assertEquals("A", a.get(10, TimeUnit.SECONDS));
            assertEquals("B", b.get(10, TimeUnit.SECONDS));
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> poison.get(10, TimeUnit.SECONDS));
            assertEquals("value too long", refused.getCause().getMessage());
        }
    }
}

package net.infernet.controlplane.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import net.infernet.controlplane.testing.WebhookServer;
import org.junit.jupiter.api.Test;

/** Delivery in the background: retries with back-off, no retry of a refusal, a bounded number under way. */
class WebhookSenderTest {
    private static WebhookSender.Delivery delivery(WebhookServer server, String text) {
        Webhook hook = new Webhook(Webhook.Kind.SLACK, server.url("/services/T/B/token"));
        return new WebhookSender.Delivery(hook, hook.payload(text), "alert=test");
    }

    private static void awaitIdle(WebhookSender sender) throws InterruptedException {
        for (int i = 0; i < 400 && sender.underWay() > 0; i++) {
            Thread.sleep(25);
        }
        assertEquals(0, sender.underWay());
    }

    @Test
    void serverErrorsAndRateLimitsAreRetriedWithBackOff() throws Exception {
        try (WebhookServer server = new WebhookServer(); WebhookSender sender = new WebhookSender(10, 4,
                Duration.ofMillis(50))) {
            server.answer(503);
            server.answer(429, 0);
            long start = System.nanoTime();
            assertTrue(sender.send(delivery(server, "hello")));
            WebhookServer.Hit hit = server.next(10_000);
            assertNotNull(hit, "delivered on the third try");
            assertTrue(System.nanoTime() - start >= 50_000_000L, "waited the back-off first");
            assertEquals("{\"text\":\"hello\"}", hit.body());
            awaitIdle(sender);
            assertEquals(3, server.requests());
        }
    }

    @Test
    void aRefusalIsNotRetriedAndTriesAreBounded() throws Exception {
        try (WebhookServer server = new WebhookServer(); WebhookSender sender = new WebhookSender(10, 3,
                Duration.ofMillis(10))) {
            server.answer(404);
            sender.send(delivery(server, "gone"));
            awaitIdle(sender);
            assertEquals(1, server.requests(), "a 404 (webhook deleted) is final");
            for (int i = 0; i < 5; i++) {
                server.answer(500);
            }
            sender.send(delivery(server, "down"));
            awaitIdle(sender);
            assertEquals(1 + 3, server.requests(), "three tries, then given up");
            assertNull(server.next(100));
        }
    }

    @Test
    void atMostCapacityDeliveriesAreUnderWayAndSendNeverWaits() throws Exception {
        try (WebhookServer server = new WebhookServer(); WebhookSender sender = new WebhookSender(2, 1,
                Duration.ofMillis(10))) {
            server.holdRequests();
            long start = System.nanoTime();
            assertTrue(sender.send(delivery(server, "one")));
            assertTrue(sender.send(delivery(server, "two")));
            assertFalse(sender.send(delivery(server, "three")), "the queue is full: dropped");
            assertTrue(System.nanoTime() - start < 1_000_000_000L, "the caller never waits for a webhook");
            server.release();
            awaitIdle(sender);
            assertEquals(2, server.drain().size());
            assertTrue(sender.send(delivery(server, "four")), "room again");
            assertNotNull(server.next(10_000));
            assertEquals(3, server.requests());
        }
    }
}

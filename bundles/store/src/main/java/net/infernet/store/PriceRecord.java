package net.infernet.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A price an admin set for a model from {@code effectiveFrom} on: micro-USDC per 1K output tokens, or empty to go
 * back to the book's table.
 */
public record PriceRecord(String model, Optional<Long> rateMicro, Instant effectiveFrom, Instant createdAt) {
}

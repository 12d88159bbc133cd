package net.infernet.cli.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import net.infernet.payments.evm.ChainPreset;
import net.infernet.payments.evm.EvmChain;

/**
 * The payout part of {@code config.json}, read and written as a JSON tree so every other field stays as it is:
 * <pre>
 * "payout_chain": "base", "payout_address": "0x…",            the book's default destination
 * "payouts": {"base": "0x…", "polygon": "0x…"},                one destination per chain
 * "chains": {"base": {"rpc_url": "https://…", "contract_address": "0x…"}},   where to redeem
 * "auto_payout": true, "auto_payout_threshold": "5.00", "auto_payout_schedule": "daily"
 * </pre>
 */
final class PayoutConfig {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path file;
    private final ObjectNode root;

    private PayoutConfig(Path file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    static PayoutConfig read(Path file) throws IOException {
        JsonNode n = Files.exists(file) ? MAPPER.readTree(file.toFile()) : null;
        return new PayoutConfig(file, n instanceof ObjectNode o ? o : MAPPER.createObjectNode());
    }

    /** Destinations per chain; the book's payout_chain/payout_address pair counts as one. */
    Map<String, String> destinations() {
        Map<String, String> out = new LinkedHashMap<>();
        text(root, "payout_chain").ifPresent(c -> text(root, "payout_address").ifPresent(a -> out.put(c, a)));
        root.path("payouts").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    Optional<String> defaultChain() {
        return text(root, "payout_chain").or(() -> destinations().keySet().stream().findFirst());
    }

    void setDestination(String chain, String address) {
        root.with("payouts").put(chain, address);
        if (text(root, "payout_chain").map(chain::equals).orElse(true)) {
            root.put("payout_chain", chain);
            root.put("payout_address", address);
        }
    }

    void setChain(String chain, String rpcUrl, String contract, Optional<Long> chainId, Optional<String> minimum) {
        ObjectNode c = root.with("chains").with(chain);
        c.put("rpc_url", rpcUrl);
        c.put("contract_address", contract);
        chainId.ifPresent(id -> c.put("chain_id", id));
        minimum.ifPresent(m -> c.put("minimum_payout", m));
    }

    void setAuto(boolean on, Optional<String> threshold, Optional<String> schedule) {
        root.put("auto_payout", on);
        threshold.ifPresent(t -> root.put("auto_payout_threshold", t));
        schedule.ifPresent(s -> root.put("auto_payout_schedule", s));
    }

    boolean autoPayout() {
        return root.path("auto_payout").asBoolean(false);
    }

    BigDecimal autoThreshold() {
        return text(root, "auto_payout_threshold").map(BigDecimal::new).orElse(BigDecimal.ZERO);
    }

    /** hourly, daily (default) or weekly. */
    Duration autoSchedule() {
        String s = text(root, "auto_payout_schedule").orElse("daily");
        return switch (s) {
            case "hourly" -> Duration.ofHours(1);
            case "daily" -> Duration.ofDays(1);
            case "weekly" -> Duration.ofDays(7);
            default -> throw new InfernetException(ErrorCode.BAD_REQUEST,
                    "auto_payout_schedule must be hourly, daily or weekly, not '" + s + "'");
        };
    }

    /** The chain's settings: config.json's "chains" entry over the book chain's preset. */
    EvmChain.Settings chainSettings(String chain) {
        JsonNode c = root.path("chains").path(chain);
        Optional<ChainPreset> preset = ChainPreset.of(chain);
        String rpc = text(c, "rpc_url").orElseThrow(() -> notConfigured(chain));
        String contract = text(c, "contract_address").orElseThrow(() -> notConfigured(chain));
        long chainId = c.has("chain_id") ? c.get("chain_id").asLong()
                : preset.map(ChainPreset::chainId).orElseThrow(() -> notConfigured(chain));
        BigDecimal minimum = text(c, "minimum_payout").map(BigDecimal::new)
                .or(() -> preset.map(ChainPreset::minimumPayout)).orElseThrow(() -> notConfigured(chain));
        int confirmations = c.path("confirmations").asInt(preset.map(ChainPreset::confirmations).orElse(1));
        return new EvmChain.Settings(chain, chainId, rpc, contract, preset.map(ChainPreset::usdc), confirmations,
                minimum, Duration.ofMillis(c.path("poll_interval_ms").asLong(2000)), Duration.ofMinutes(10));
    }

    private static InfernetException notConfigured(String chain) {
        return new InfernetException(ErrorCode.BAD_REQUEST, "chain " + chain + " is not configured; run 'infernet "
                + "payout chain --network " + chain + " --rpc URL --contract 0x…' (plus --chain-id and --minimum "
                + "for chains other than base, ethereum, polygon, arbitrum)");
    }

    void write() throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, MAPPER.writeValueAsBytes(root));
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the user profile's ACLs apply
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() && !v.asText().isBlank() ? Optional.of(v.asText()) : Optional.empty();
    }
}

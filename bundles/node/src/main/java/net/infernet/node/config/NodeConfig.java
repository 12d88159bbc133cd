package net.infernet.node.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator's node settings as the book's {@code config.json} holds them. The private key is never here: it
 * lives in the key file ({@code <dataDir>/keys/node.key}).
 *
 * @param controlPlaneUrl {@code controlPlane.url}
 * @param nodeId {@code node.id}: the id the control plane assigned at registration, empty before
 * @param name {@code node.name}
 * @param publicKey {@code node.publicKey}, 64 hex x-only
 * @param address {@code node.address}, the address announced at registration
 * @param port {@code node.port}, the node's local HTTP port (status endpoint)
 * @param engineBackend {@code engine.backend}: what setup detected
 * @param engineHost the detected engine's URL ({@code engine.ollamaHost} for Ollama)
 * @param defaultModel {@code engine.model}
 * @param servedModels {@code served_models}: what the node advertises
 * @param backend top-level {@code backend}: an operator override of the probe order, empty for auto
 * @param payoutChain {@code payout_chain}
 * @param payoutAddress {@code payout_address}
 * @param vramTier {@code vram_tier} as detected by setup (wire name, e.g. {@code >=24gb})
 * @param bearerToken {@code bearer_token}: the client token {@code infernet chat} uses
 */
public record NodeConfig(String controlPlaneUrl, Optional<String> nodeId, String name, String publicKey,
        String address, int port, String engineBackend, String engineHost, String defaultModel,
        List<String> servedModels, Optional<String> backend, Optional<String> payoutChain,
        Optional<String> payoutAddress, String vramTier, Optional<String> bearerToken) {
    public static final String DEFAULT_CONTROL_PLANE = "http://127.0.0.1:3000";
    public static final int DEFAULT_PORT = 46337;

    public NodeConfig {
        Objects.requireNonNull(controlPlaneUrl, "controlPlaneUrl");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(engineBackend, "engineBackend");
        Objects.requireNonNull(engineHost, "engineHost");
        Objects.requireNonNull(defaultModel, "defaultModel");
        servedModels = List.copyOf(servedModels);
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(payoutChain, "payoutChain");
        Objects.requireNonNull(payoutAddress, "payoutAddress");
        Objects.requireNonNull(vramTier, "vramTier");
        Objects.requireNonNull(bearerToken, "bearerToken");
    }

    /** A fresh config for a node that has not registered yet. */
    public static NodeConfig initial(String controlPlaneUrl, String name, String publicKey) {
        return new NodeConfig(controlPlaneUrl, Optional.empty(), name, publicKey, "127.0.0.1", DEFAULT_PORT, "", "", "",
                List.of(), Optional.empty(), Optional.empty(), Optional.empty(), "cpu", Optional.empty());
    }

    public NodeConfig withNodeId(String id) {
        return new NodeConfig(controlPlaneUrl, Optional.of(id), name, publicKey, address, port, engineBackend,
                engineHost, defaultModel, servedModels, backend, payoutChain, payoutAddress, vramTier, bearerToken);
    }

    public NodeConfig withServedModels(List<String> models) {
        return new NodeConfig(controlPlaneUrl, nodeId, name, publicKey, address, port, engineBackend, engineHost,
                defaultModel, models, backend, payoutChain, payoutAddress, vramTier, bearerToken);
    }

    public NodeConfig withEngine(String engine, String host, String model) {
        return new NodeConfig(controlPlaneUrl, nodeId, name, publicKey, address, port, engine, host, model,
                servedModels, backend, payoutChain, payoutAddress, vramTier, bearerToken);
    }

    public NodeConfig withVramTier(String tier) {
        return new NodeConfig(controlPlaneUrl, nodeId, name, publicKey, address, port, engineBackend, engineHost,
                defaultModel, servedModels, backend, payoutChain, payoutAddress, tier, bearerToken);
    }

    public NodeConfig withControlPlane(String url) {
        return new NodeConfig(url, nodeId, name, publicKey, address, port, engineBackend, engineHost,
                defaultModel, servedModels, backend, payoutChain, payoutAddress, vramTier, bearerToken);
    }
}

package net.infernet.core.api;

import java.util.List;
import java.util.Objects;

/**
 * What a node tells the control plane about itself when it registers.
 *
 * @param publicKey 64 lowercase hex characters, the x-only secp256k1 key (BIP-340)
 */
public record NodeInfo(String publicKey, String name, String address, int port, VramTier vramTier, List<String> gpus,
        List<String> servedModels, String backend) {
    public NodeInfo {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(vramTier, "vramTier");
        gpus = List.copyOf(gpus);
        servedModels = List.copyOf(servedModels);
    }
}

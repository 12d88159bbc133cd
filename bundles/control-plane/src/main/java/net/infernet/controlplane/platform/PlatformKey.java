package net.infernet.controlplane.platform;

import net.infernet.protocol.keys.NodeKey;

/** The platform's signing key: it countersigns receipts and attests payer links (docs/payments.md). */
public interface PlatformKey {
    NodeKey key();
}

package net.infernet.node.internal;

import net.infernet.core.api.Receipt;

/** The node's receipts until the control plane has answered each (docs/node.md, "Receipts"). */
public interface ReceiptBook {
    /** Keeps a node-signed receipt (it goes out with its completion) until the control plane answers it. */
    void add(Receipt signed);

    /** How many receipts wait for an answer. */
    int waiting();
}

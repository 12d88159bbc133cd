/** The payment-chain SPI: one implementation per settlement chain bundle (EVM chains, Solana). */
@Export
@Version("1.0.0")
package net.infernet.core.payment;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

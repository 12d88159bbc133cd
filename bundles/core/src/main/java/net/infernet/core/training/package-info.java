/** The trainer SPI: fine-tuning runtimes offered by training bundles. */
@Export
@Version("1.0.0")
package net.infernet.core.training;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

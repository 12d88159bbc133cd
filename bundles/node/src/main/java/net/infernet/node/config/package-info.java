/** The book-format node config file ({@code <configDir>/config.json}), shared by the node daemon and the CLI. */
@Export
@Version("1.0.0")
package net.infernet.node.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

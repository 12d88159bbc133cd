/**
 * The book-format node config file ({@code <configDir>/config.json}) and the running daemon's port file, shared by
 * the node daemon and the CLI.
 */
@Export
@Version("1.1.0")
package net.infernet.node.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

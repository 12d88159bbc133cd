/**
 * What the node knows of its machine (GPUs from {@code nvidia-smi}, {@code rocm-smi} or {@code system_profiler}, CPU
 * cores, system memory) and the rule that picks an inference engine from it, shared by the node daemon and the
 * CLI ({@code infernet doctor}).
 */
@Export
@Version("1.0.0")
package net.infernet.node.hardware;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

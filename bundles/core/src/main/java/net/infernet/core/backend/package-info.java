/** The inference-backend SPI: one implementation per engine bundle (Ollama, vLLM, SGLang, MAX, llama.cpp). */
@Export
@Version("1.0.0")
package net.infernet.core.backend;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

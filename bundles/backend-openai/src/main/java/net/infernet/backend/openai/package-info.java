/**
 * Shared client for OpenAI-compatible inference engines (vLLM, SGLang, Modular MAX, llama-server/llama-swap):
 * probe, model list, streamed chat completions over SSE and the mapping of engine failures to the book's error
 * codes. The engine bundles stay thin wrappers around {@link net.infernet.backend.openai.OpenAiEngine}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package net.infernet.backend.openai;

package net.infernet.core.api;

/** One streamed piece of output, relayed as it was generated; {@code index} counts chunks from 0 within a job. */
public record TokenChunk(int index, String text) {
}

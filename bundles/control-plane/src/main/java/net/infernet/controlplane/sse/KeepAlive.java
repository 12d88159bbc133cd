package net.infernet.controlplane.sse;

/** Keeps open SSE streams alive through idle proxies: {@code : ping} on each at a fixed interval (the book: 15 s). */
public interface KeepAlive {
    void add(AsyncSse stream);

    void remove(AsyncSse stream);
}

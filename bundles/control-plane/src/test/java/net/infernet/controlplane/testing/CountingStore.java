package net.infernet.controlplane.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.infernet.store.Store;

/** A store that counts the calls made to it, by method name (each call is one transaction). */
public final class CountingStore {
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    public final Store store;

    public CountingStore(Store real) {
        this.store = (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    public void reset() {
        calls.clear();
    }

    /** Calls since the last reset, except those of the given methods. */
    public Map<String, Integer> callsExcept(String... methods) {
        Map<String, Integer> out = new TreeMap<>();
        calls.forEach((m, n) -> out.put(m, n.get()));
        for (String m : methods) {
            out.remove(m);
        }
        return out;
    }
}

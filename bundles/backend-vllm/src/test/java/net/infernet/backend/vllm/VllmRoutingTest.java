package net.infernet.backend.vllm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.annotation.Annotation;

import org.junit.jupiter.api.Test;

class VllmRoutingTest {
    @Test
    void requestGoesToTheInstanceServingItsModelElseToTheDefaultServer() {
        VllmBackend backend = new VllmBackend();
        backend.activate(new VllmBackend.Config() {
            public String host() { return "http://127.0.0.1:8000"; }
            public String model() { return "a"; }
            public Class<? extends Annotation> annotationType() { return VllmBackend.Config.class; }
        });
        VllmInstance b = new VllmInstance();
        b.activate(new VllmInstance.Config() {
            public String host() { return "http://127.0.0.1:8001"; }
            public String model() { return "b"; }
            public Class<? extends Annotation> annotationType() { return VllmInstance.Config.class; }
        });
        backend.addInstance(b);
        assertEquals("http://127.0.0.1:8001", backend.route("b").endpoint());
        assertEquals("http://127.0.0.1:8000", backend.route("a").endpoint());
        backend.removeInstance(b);
        assertEquals("http://127.0.0.1:8000", backend.route("b").endpoint());
    }
}

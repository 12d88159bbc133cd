package net.infernet.controlplane.points;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PointsServiceTest {
    @Test
    void theSizeClassComesFromTheParameterCountInTheModelsName() {
        assertEquals(1, PointsService.sizeClass("infernet-demo-tiny"), "no size: 1");
        assertEquals(1, PointsService.sizeClass("llama3.2:3b"));
        assertEquals(2, PointsService.sizeClass("qwen2.5:7b"));
        assertEquals(2, PointsService.sizeClass("qwen2.5:7b-t1a2b"), "the first size in the name");
        assertEquals(4, PointsService.sizeClass("qwen2.5:14b"));
        assertEquals(8, PointsService.sizeClass("Qwen/Qwen2.5-32B-Instruct"));
        assertEquals(16, PointsService.sizeClass("mixtral:8x7b"), "8 experts of 7 B: 56 B");
        assertEquals(16, PointsService.sizeClass("meta-llama/Llama-3.3-70B-Instruct"));
        assertEquals(32, PointsService.sizeClass("llama3.1:405b"));
        assertEquals(1, PointsService.sizeClass("gpt-4o-mini"), "not a parameter count");
    }
}

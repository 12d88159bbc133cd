package net.infernet.backend.llamacpp.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import net.infernet.core.api.ErrorCode;
import net.infernet.core.api.InfernetException;
import org.junit.jupiter.api.Test;

/** Only the mapping: tests have no internet, so the download itself is not run here. */
class ModelDownloadTest {
    @Test
    void huggingFaceSpecMapsToTheResolveUrlOfTheMainBranch() {
        ModelDownload d = ModelDownload.parse("hf:bartowski/Qwen2.5-14B-Instruct-GGUF/Qwen2.5-14B-Instruct-Q4_K_M.gguf");
        assertEquals(URI.create("https://huggingface.co/bartowski/Qwen2.5-14B-Instruct-GGUF/resolve/main/"
                + "Qwen2.5-14B-Instruct-Q4_K_M.gguf"), d.url());
        assertEquals("Qwen2.5-14B-Instruct-Q4_K_M.gguf", d.fileName());
        assertEquals("Qwen2.5-14B-Instruct-Q4_K_M", d.modelName());
    }

    @Test
    void aFileInASubfolderKeepsItsPathInTheUrlAndOnlyItsNameLocally() {
        ModelDownload d = ModelDownload.parse("hf:org/repo/q4/model-q4.gguf");
        assertEquals(URI.create("https://huggingface.co/org/repo/resolve/main/q4/model-q4.gguf"), d.url());
        assertEquals("model-q4.gguf", d.fileName());
    }

    @Test
    void aDirectHttpsLinkIsTakenAsIs() {
        ModelDownload d = ModelDownload.parse("https://example.org/files/tiny.gguf");
        assertEquals(URI.create("https://example.org/files/tiny.gguf"), d.url());
        assertEquals("tiny", d.modelName());
    }

    @Test
    void malformedSpecsAreBadRequests() {
        for (String bad : new String[] {"hf:owner/file.gguf", "hf:owner/repo/model.bin", "hf:owner/repo/../x.gguf",
                "hf://owner/repo/x.gguf", "llama3:8b", "http://example.org/x.gguf"}) {
            InfernetException e = assertThrows(InfernetException.class, () -> ModelDownload.parse(bad), bad);
            assertEquals(ErrorCode.BAD_REQUEST, e.code(), bad);
        }
    }
}

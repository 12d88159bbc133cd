package net.infernet.backend.llamacpp.gguf;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The demo model {@value #NAME}: a tiny llama with random weights (not a language model; it produces printable
 * gibberish), a byte tokenizer and a ChatML chat template. It exists so tests and {@code infernet up --demo} run
 * real llama.cpp end to end without downloading anything. A fixed seed makes every generation byte-identical.
 */
public final class DemoModel {
    /** Model name as served (the file is {@code <NAME>.gguf}); says what it is. */
    public static final String NAME = "infernet-demo-tiny";
    public static final String FILE_NAME = NAME + ".gguf";

    static final int N_EMBD = 64;
    static final int N_LAYER = 2;
    static final int N_HEAD = 4;
    static final int N_FF = 128;
    static final int N_CTX = 256;
    static final long SEED = 42;
    /** {@code <unk>}, {@code <s>}, {@code </s>}, the 256 byte tokens and the SentencePiece space {@code ▁}. */
    static final int N_VOCAB = 3 + 256 + 1;
    private static final int FIRST_BYTE_TOKEN = 3;

    static final String CHAT_TEMPLATE = "{% for message in messages %}"
            + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    // llama.cpp token types
    private static final int TYPE_NORMAL = 1;
    private static final int TYPE_UNKNOWN = 2;
    private static final int TYPE_CONTROL = 3;
    private static final int TYPE_BYTE = 6;

    private DemoModel() {
    }

    /** Writes the model to {@code file} atomically (temp file + move), so a reader never sees half a model. */
    public static void write(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".demo-", ".gguf.tmp");
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    writer().writeTo(out);
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo model to " + file, e);
        }
    }

    /** Writes {@code <dir>/infernet-demo-tiny.gguf} unless it is there; returns its path. */
    public static Path ensureIn(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            write(file);
        }
        return file;
    }

    static GgufWriter writer() {
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", NAME)
                .putString("general.description", "Infernet demo model: random weights, not a language model")
                .putUInt32("general.file_type", 0) // all F32
                .putUInt32("llama.context_length", N_CTX)
                .putUInt32("llama.embedding_length", N_EMBD)
                .putUInt32("llama.block_count", N_LAYER)
                .putUInt32("llama.feed_forward_length", N_FF)
                .putUInt32("llama.attention.head_count", N_HEAD)
                .putUInt32("llama.attention.head_count_kv", N_HEAD)
                .putUInt32("llama.rope.dimension_count", N_EMBD / N_HEAD)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putUInt32("llama.vocab_size", N_VOCAB);
        tokenizer(w);
        weights(w, new Random(SEED));
        return w;
    }

    private static void tokenizer(GgufWriter w) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        int[] types = new int[N_VOCAB];
        types[0] = TYPE_UNKNOWN;
        types[1] = TYPE_CONTROL;
        types[2] = TYPE_CONTROL;
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types[FIRST_BYTE_TOKEN + b] = TYPE_BYTE;
        }
        // SentencePiece writes spaces as U+2581; without this token a space would come back as its three bytes
        tokens.add("\u2581");
        types[N_VOCAB - 1] = TYPE_NORMAL;
        float[] scores = new float[N_VOCAB];
        for (int i = 0; i < N_VOCAB; i++) {
            scores[i] = -i;
        }
        w.putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putFloats("tokenizer.ggml.scores", scores)
                .putInts("tokenizer.ggml.token_type", types)
                .putUInt32("tokenizer.ggml.unknown_token_id", 0)
                .putUInt32("tokenizer.ggml.bos_token_id", 1)
                .putUInt32("tokenizer.ggml.eos_token_id", 2)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putBool("tokenizer.ggml.add_eos_token", false)
                .putBool("tokenizer.ggml.add_space_prefix", false)
                .putString("tokenizer.chat_template", CHAT_TEMPLATE);
    }

    private static void weights(GgufWriter w, Random rnd) {
        w.tensor("token_embd.weight", gaussian(rnd, N_EMBD * N_VOCAB, 1.0f), N_EMBD, N_VOCAB);
        for (int l = 0; l < N_LAYER; l++) {
            String p = "blk." + l + ".";
            w.tensor(p + "attn_norm.weight", ones(N_EMBD), N_EMBD)
                    .tensor(p + "attn_q.weight", gaussian(rnd, N_EMBD * N_EMBD, 0.2f), N_EMBD, N_EMBD)
                    .tensor(p + "attn_k.weight", gaussian(rnd, N_EMBD * N_EMBD, 0.2f), N_EMBD, N_EMBD)
                    .tensor(p + "attn_v.weight", gaussian(rnd, N_EMBD * N_EMBD, 0.2f), N_EMBD, N_EMBD)
                    .tensor(p + "attn_output.weight", gaussian(rnd, N_EMBD * N_EMBD, 0.2f), N_EMBD, N_EMBD)
                    .tensor(p + "ffn_norm.weight", ones(N_EMBD), N_EMBD)
                    .tensor(p + "ffn_gate.weight", gaussian(rnd, N_EMBD * N_FF, 0.2f), N_EMBD, N_FF)
                    .tensor(p + "ffn_down.weight", gaussian(rnd, N_FF * N_EMBD, 0.2f), N_FF, N_EMBD)
                    .tensor(p + "ffn_up.weight", gaussian(rnd, N_EMBD * N_FF, 0.2f), N_EMBD, N_FF);
        }
        w.tensor("output_norm.weight", ones(N_EMBD), N_EMBD);
        w.tensor("output.weight", outputRows(rnd), N_EMBD, N_VOCAB);
    }

    /**
     * One row of {@code N_EMBD} weights per token; only printable ASCII bytes (and the space) get non-zero rows,
     * so their logits stand out and greedy output is readable text that never hits end-of-sequence.
     */
    private static float[] outputRows(Random rnd) {
        float[] out = new float[N_EMBD * N_VOCAB];
        for (int token = 0; token < N_VOCAB; token++) {
            int b = token - FIRST_BYTE_TOKEN;
            boolean printable = (b >= 0x21 && b <= 0x7E) || token == N_VOCAB - 1;
            for (int i = 0; i < N_EMBD; i++) {
                float g = (float) rnd.nextGaussian(); // drawn for every row, so the stream does not depend on the mask
                out[token * N_EMBD + i] = printable ? g : 0f;
            }
        }
        return out;
    }

    private static float[] gaussian(Random rnd, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian() * scale;
        }
        return a;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    /** {@code java ... DemoModel <file>}: writes the demo model (used by tooling and the benchmark). */
    public static void main(String[] args) {
        Path file = args.length > 0 ? Path.of(args[0]) : Path.of(FILE_NAME);
        write(file);
        System.out.println(file.toAbsolutePath());
    }
}

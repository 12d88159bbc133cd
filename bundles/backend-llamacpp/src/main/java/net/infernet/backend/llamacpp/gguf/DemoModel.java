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

    static final int N_LAYER = 2;
    static final int N_CTX = 256;

    /** Model dimensions; the demo is {@link #TINY}, benchmarks use bigger ones to run at real-model speeds. */
    public record Shape(int embd, int layers, int heads, int ff) {
        public static final Shape TINY = new Shape(64, N_LAYER, 4, 128);
    }
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
        write(file, NAME, Shape.TINY);
    }

    /** A random-weights model of another size and name, made the same way (benchmarks). */
    public static void write(Path file, String name, Shape shape) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".demo-", ".gguf.tmp");
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    writer(name, shape).writeTo(out);
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

    static GgufWriter writer(String name, Shape shape) {
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", name)
                .putString("general.description", "Infernet demo model: random weights, not a language model")
                .putUInt32("general.file_type", 0) // all F32
                .putUInt32("llama.context_length", N_CTX)
                .putUInt32("llama.embedding_length", shape.embd())
                .putUInt32("llama.block_count", shape.layers())
                .putUInt32("llama.feed_forward_length", shape.ff())
                .putUInt32("llama.attention.head_count", shape.heads())
                .putUInt32("llama.attention.head_count_kv", shape.heads())
                .putUInt32("llama.rope.dimension_count", shape.embd() / shape.heads())
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putUInt32("llama.vocab_size", N_VOCAB);
        tokenizer(w);
        weights(w, shape, new Random(SEED));
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

    private static void weights(GgufWriter w, Shape sh, Random rnd) {
        int e = sh.embd();
        int ff = sh.ff();
        float scale = (float) (1.6 / Math.sqrt(e)); // 0.2 at the demo's 64: keeps activations in range at any size
        w.tensor("token_embd.weight", gaussian(rnd, e * N_VOCAB, 1.0f), e, N_VOCAB);
        for (int l = 0; l < sh.layers(); l++) {
            String p = "blk." + l + ".";
            w.tensor(p + "attn_norm.weight", ones(e), e)
                    .tensor(p + "attn_q.weight", gaussian(rnd, e * e, scale), e, e)
                    .tensor(p + "attn_k.weight", gaussian(rnd, e * e, scale), e, e)
                    .tensor(p + "attn_v.weight", gaussian(rnd, e * e, scale), e, e)
                    .tensor(p + "attn_output.weight", gaussian(rnd, e * e, scale), e, e)
                    .tensor(p + "ffn_norm.weight", ones(e), e)
                    .tensor(p + "ffn_gate.weight", gaussian(rnd, e * ff, scale), e, ff)
                    .tensor(p + "ffn_down.weight", gaussian(rnd, ff * e, scale), ff, e)
                    .tensor(p + "ffn_up.weight", gaussian(rnd, e * ff, scale), e, ff);
        }
        w.tensor("output_norm.weight", ones(e), e);
        w.tensor("output.weight", outputRows(rnd, e), e, N_VOCAB);
    }

    /**
     * One row of {@code embd} weights per token; only printable ASCII bytes (and the space) get non-zero rows,
     * so their logits stand out and greedy output is readable text that never hits end-of-sequence.
     */
    private static float[] outputRows(Random rnd, int embd) {
        float[] out = new float[embd * N_VOCAB];
        for (int token = 0; token < N_VOCAB; token++) {
            int b = token - FIRST_BYTE_TOKEN;
            boolean printable = (b >= 0x21 && b <= 0x7E) || token == N_VOCAB - 1;
            for (int i = 0; i < embd; i++) {
                float g = (float) rnd.nextGaussian(); // drawn for every row, so the stream does not depend on the mask
                out[token * embd + i] = printable ? g : 0f;
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

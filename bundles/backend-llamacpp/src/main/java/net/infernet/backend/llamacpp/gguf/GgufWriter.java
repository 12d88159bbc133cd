package net.infernet.backend.llamacpp.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal GGUF v3 writer (little endian, F32 tensors only): metadata key/values, tensor infos, then the tensor
 * data, every tensor aligned to {@link #ALIGNMENT}. Enough to write models llama.cpp loads; the order of calls is
 * the order in the file, so the same calls give the same bytes.
 */
public final class GgufWriter {
    /** GGUF's default {@code general.alignment}. */
    public static final int ALIGNMENT = 32;
    private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    private static final int VERSION = 3;

    // gguf_type values of the GGUF spec
    private static final int T_UINT32 = 4;
    private static final int T_INT32 = 5;
    private static final int T_FLOAT32 = 6;
    private static final int T_BOOL = 7;
    private static final int T_STRING = 8;
    private static final int T_ARRAY = 9;
    private static final int GGML_TYPE_F32 = 0;

    private final Buf kv = new Buf();
    private int kvCount;
    private final List<Tensor> tensors = new ArrayList<>();

    private record Tensor(String name, long[] dims, float[] data) {
    }

    public GgufWriter putString(String key, String value) {
        header(key, T_STRING).string(value);
        return this;
    }

    public GgufWriter putUInt32(String key, int value) {
        header(key, T_UINT32).i32(value);
        return this;
    }

    public GgufWriter putFloat32(String key, float value) {
        header(key, T_FLOAT32).f32(value);
        return this;
    }

    public GgufWriter putBool(String key, boolean value) {
        header(key, T_BOOL).u8(value ? 1 : 0);
        return this;
    }

    public GgufWriter putStrings(String key, List<String> values) {
        header(key, T_ARRAY).i32(T_STRING).i64(values.size());
        values.forEach(kv::string);
        return this;
    }

    public GgufWriter putFloats(String key, float[] values) {
        header(key, T_ARRAY).i32(T_FLOAT32).i64(values.length);
        for (float v : values) {
            kv.f32(v);
        }
        return this;
    }

    public GgufWriter putInts(String key, int[] values) {
        header(key, T_ARRAY).i32(T_INT32).i64(values.length);
        for (int v : values) {
            kv.i32(v);
        }
        return this;
    }

    /** Adds an F32 tensor; {@code dims} in ggml order (ne0 first, the fastest-varying dimension). */
    public GgufWriter tensor(String name, float[] data, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": " + data.length + " values for " + n + " elements");
        }
        tensors.add(new Tensor(name, dims.clone(), data));
        return this;
    }

    private Buf header(String key, int type) {
        kvCount++;
        return kv.string(key).i32(type);
    }

    /** Writes the whole file to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        Buf head = new Buf().i32(MAGIC).i32(VERSION).i64(tensors.size()).i64(kvCount);
        head.bytes(kv.toByteArray());
        long offset = 0;
        for (Tensor t : tensors) {
            head.string(t.name()).i32(t.dims().length);
            for (long d : t.dims()) {
                head.i64(d);
            }
            head.i32(GGML_TYPE_F32).i64(offset);
            offset = align(offset + 4L * t.data().length);
        }
        head.pad();
        out.write(head.toByteArray());
        for (Tensor t : tensors) {
            Buf data = new Buf();
            for (float f : t.data()) {
                data.f32(f);
            }
            data.pad();
            out.write(data.toByteArray());
        }
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** A little-endian byte buffer. */
    private static final class Buf {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        Buf u8(int v) {
            out.write(v);
            return this;
        }

        Buf i32(int v) {
            out.write(scratch.clear().putInt(v).array(), 0, 4);
            return this;
        }

        Buf i64(long v) {
            out.write(scratch.clear().putLong(v).array(), 0, 8);
            return this;
        }

        Buf f32(float v) {
            return i32(Float.floatToRawIntBits(v));
        }

        Buf string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return i64(b.length).bytes(b);
        }

        Buf bytes(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        Buf pad() {
            while (out.size() % ALIGNMENT != 0) {
                out.write(0);
            }
            return this;
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}

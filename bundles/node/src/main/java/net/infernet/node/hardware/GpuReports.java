package net.infernet.node.hardware;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers of the GPU tools' documented output, each pure (text in, GPUs out): a GPU whose memory cannot be read is
 * left out rather than reported with nonsense, and output that does not parse yields no GPU.
 */
public final class GpuReports {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long MIB = 1024L * 1024;
    private static final Pattern MEM_TOTAL = Pattern.compile("(?m)^MemTotal:\\s+(\\d+)\\s*kB");
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(GB|MB)", Pattern.CASE_INSENSITIVE);

    private GpuReports() {
    }

    /**
     * {@code nvidia-smi --query-gpu=name,memory.total,memory.used,utilization.gpu,compute_cap,driver_version
     * --format=csv,noheader,nounits}, or the legacy query without the last two columns.
     */
    public static List<Gpu> nvidiaCsv(String csv) {
        List<Gpu> out = new ArrayList<>();
        csv.lines().forEach(line -> {
            String[] c = line.split(",");
            if (c.length == 4 || c.length == 6) {
                try {
                    out.add(new Gpu(Gpu.NVIDIA, c[0].trim(), Long.parseLong(c[1].trim()),
                            OptionalLong.of(Long.parseLong(c[2].trim())), OptionalInt.of(Integer.parseInt(c[3].trim())),
                            c.length == 6 ? field(c[4]) : Optional.empty(), Optional.empty(),
                            c.length == 6 ? field(c[5]) : Optional.empty()));
                } catch (NumberFormatException skipped) {
                    // "[N/A]" fields on some cards: leave that GPU out rather than report nonsense
                }
            }
        });
        return out;
    }

    private static Optional<String> field(String v) {
        String t = v.trim();
        return t.isEmpty() || t.startsWith("[") ? Optional.empty() : Optional.of(t);
    }

    /**
     * {@code rocm-smi --showproductname --showmeminfo vram --showuse --showdriverversion --json}: an object with one
     * {@code cardN} object per GPU ({@code "Card Series"}, {@code "VRAM Total Memory (B)"},
     * {@code "VRAM Total Used Memory (B)"}, {@code "GPU use (%)"}, {@code "GFX Version"}; every value a string) and a
     * {@code system} object with the {@code "Driver version"}.
     */
    public static List<Gpu> rocmSmiJson(String json) {
        List<Gpu> out = new ArrayList<>();
        Optional<JsonNode> root = parse(json);
        if (root.isEmpty()) {
            return out;
        }
        Optional<String> driver = text(root.get().path("system"), "driver version");
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get().fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> card = it.next();
            if (!card.getKey().startsWith("card") || !card.getValue().isObject()) {
                continue;
            }
            JsonNode c = card.getValue();
            OptionalLong total = bytes(c, "vram total memory (b)");
            if (total.isEmpty()) {
                continue;
            }
            String name = text(c, "card series").or(() -> text(c, "device name")).or(() -> text(c, "card model"))
                    .orElse("AMD GPU");
            OptionalLong used = bytes(c, "vram total used memory (b)");
            Optional<Long> use = text(c, "gpu use (%)").flatMap(GpuReports::number);
            out.add(new Gpu(Gpu.AMD, name, total.getAsLong() / MIB,
                    used.isPresent() ? OptionalLong.of(used.getAsLong() / MIB) : OptionalLong.empty(),
                    use.map(u -> OptionalInt.of((int) Math.min(100, u))).orElse(OptionalInt.empty()),
                    Optional.empty(), text(c, "gfx version"), driver));
        }
        return out;
    }

    /**
     * {@code system_profiler SPDisplaysDataType -json}: the {@code SPDisplaysDataType} array. Apple silicon
     * ({@code spdisplays_vendor} {@code sppci_vendor_Apple}) reports no VRAM of its own: its GPU uses the unified
     * memory, {@code memsizeBytes} ({@code sysctl -n hw.memsize}); without it the GPU is left out. A discrete AMD or
     * NVIDIA GPU of an Intel Mac reports {@code spdisplays_vram} ({@code "8 GB"}); Intel graphics are left out.
     */
    public static List<Gpu> appleDisplaysJson(String json, OptionalLong memsizeBytes) {
        List<Gpu> out = new ArrayList<>();
        for (JsonNode d : parse(json).map(r -> r.path("SPDisplaysDataType")).orElse(MAPPER.createArrayNode())) {
            String name = text(d, "sppci_model").or(() -> text(d, "_name")).orElse("");
            String vendor = text(d, "spdisplays_vendor").orElse("").toLowerCase(Locale.ROOT);
            if (vendor.contains("apple") || vendor.isEmpty() && name.startsWith("Apple ")) {
                if (memsizeBytes.isPresent() && memsizeBytes.getAsLong() > 0) {
                    out.add(new Gpu(Gpu.APPLE, name.isEmpty() ? "Apple GPU" : name, memsizeBytes.getAsLong() / MIB,
                            OptionalLong.empty(), OptionalInt.empty(), Optional.empty(),
                            text(d, "spdisplays_mtlgpufamilysupport").map(f -> f.replace("spdisplays_", "")),
                            Optional.empty()));
                }
            } else if (vendor.contains("amd") || vendor.contains("ati") || vendor.contains("nvidia")) {
                OptionalLong vram = text(d, "spdisplays_vram").or(() -> text(d, "spdisplays_vram_shared"))
                        .map(GpuReports::sizeMib).orElse(OptionalLong.empty());
                if (vram.isPresent()) {
                    out.add(Gpu.of(vendor.contains("nvidia") ? Gpu.NVIDIA : Gpu.AMD, name, vram.getAsLong()));
                }
            }
        }
        return out;
    }

    /** {@code sysctl -n hw.memsize}: the bytes of memory, one number. */
    public static OptionalLong sysctlBytes(String out) {
        return number(out.trim()).map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /** {@code /proc/meminfo}'s {@code MemTotal} in MiB. */
    public static OptionalLong memTotalMib(String meminfo) {
        Matcher m = MEM_TOTAL.matcher(meminfo);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1)) / 1024) : OptionalLong.empty();
    }

    private static OptionalLong sizeMib(String s) {
        Matcher m = SIZE.matcher(s);
        if (!m.find()) {
            return OptionalLong.empty();
        }
        double v = Double.parseDouble(m.group(1));
        return OptionalLong.of(Math.round(m.group(2).equalsIgnoreCase("GB") ? v * 1024 : v));
    }

    private static Optional<JsonNode> parse(String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            return n != null && n.isObject() ? Optional.of(n) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** A field's text, its name compared without case (rocm-smi spells "Card series" and "Card Series"). */
    private static Optional<String> text(JsonNode o, String lowerName) {
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().toLowerCase(Locale.ROOT).equals(lowerName) && f.getValue().isValueNode()) {
                String t = f.getValue().asText().trim();
                return t.isEmpty() || t.equalsIgnoreCase("N/A") ? Optional.empty() : Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static OptionalLong bytes(JsonNode o, String lowerName) {
        return text(o, lowerName).flatMap(GpuReports::number).map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    private static Optional<Long> number(String s) {
        try {
            return Optional.of(Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}

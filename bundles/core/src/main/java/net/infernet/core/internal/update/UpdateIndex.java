package net.infernet.core.internal.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import net.infernet.core.http.HttpApi;
import org.osgi.framework.Version;

/**
 * An update source's {@code index.json} (docs/operations.md, "Updates"):
 * <pre>{"release": "0.2.0", "bundles": [{"symbolic_name": "net.infernet.node", "version": "0.2.0",
 *   "file": "net.infernet.node-0.2.0.jar", "sha256": "<64 hex digits>"}]}</pre>
 * {@code release} is an optional label; every bundle entry needs all four fields. File names are plain names in the
 * source (no folders), so an index cannot point outside it. An optional {@code "remove": ["symbolic.name", ...]}
 * uninstalls bundles the set no longer has (a rollback uses it for bundles an update had added).
 */
record UpdateIndex(Optional<String> release, List<Entry> bundles, List<String> remove) {
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*\\.jar");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper MAPPER = HttpApi.newMapper();

    UpdateIndex {
        bundles = List.copyOf(bundles);
        remove = List.copyOf(remove);
    }

    /** One bundle of the set: its jar in the source and the jar's SHA-256 (lower-case hex). */
    record Entry(String symbolicName, Version version, String file, String sha256) {
    }

    /** The index as its JSON file. */
    byte[] json() {
        var root = MAPPER.createObjectNode();
        release.ifPresent(r -> root.put("release", r));
        var list = root.putArray("bundles");
        for (Entry e : bundles) {
            list.addObject().put("symbolic_name", e.symbolicName()).put("version", e.version().toString())
                    .put("file", e.file()).put("sha256", e.sha256());
        }
        if (!remove.isEmpty()) {
            remove.forEach(root.putArray("remove")::add);
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses and checks an index; anything malformed is refused with what is wrong. */
    static UpdateIndex parse(byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UpdateRefused("index.json is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UpdateRefused("index.json could not be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new UpdateRefused("index.json must be a JSON object");
        }
        JsonNode list = root.path("bundles");
        JsonNode remove = root.path("remove");
        if (!list.isArray() || (list.isEmpty() && remove.isEmpty())) {
            throw new UpdateRefused("index.json has no \"bundles\" array or it is empty");
        }
        List<String> removed = new ArrayList<>();
        for (JsonNode r : remove) {
            if (!r.isTextual() || r.asText().isBlank()) {
                throw new UpdateRefused("index.json \"remove\" must list symbolic names");
            }
            removed.add(r.asText().trim());
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode b : list) {
            Entry e = entry(b, entries.size());
            if (!names.add(e.symbolicName())) {
                throw new UpdateRefused("index.json names bundle " + e.symbolicName() + " twice");
            }
            entries.add(e);
        }
        JsonNode release = root.path("release");
        return new UpdateIndex(release.isTextual() ? Optional.of(release.asText()) : Optional.empty(), entries,
                removed);
    }

    private static Entry entry(JsonNode b, int i) {
        String where = "index.json bundles[" + i + "]";
        if (!b.isObject()) {
            throw new UpdateRefused(where + " is not an object");
        }
        String name = text(b, "symbolic_name", where);
        String file = text(b, "file", where);
        String sha = text(b, "sha256", where).toLowerCase(Locale.ROOT);
        Version version;
        try {
            version = Version.parseVersion(text(b, "version", where));
        } catch (IllegalArgumentException e) {
            throw new UpdateRefused(where + " has a malformed version: " + e.getMessage());
        }
        if (!FILE.matcher(file).matches()) {
            throw new UpdateRefused(where + " file '" + file + "' must be a plain .jar file name");
        }
        if (!SHA256.matcher(sha).matches()) {
            throw new UpdateRefused(where + " sha256 must be 64 hexadecimal digits");
        }
        return new Entry(name, version, file, sha);
    }

    private static String text(JsonNode b, String field, String where) {
        JsonNode v = b.path(field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new UpdateRefused(where + " needs a non-empty string \"" + field + "\"");
        }
        return v.asText().trim();
    }
}

package io.hivemind.bt.tracker;

import io.hivemind.bt.tracker.protocol.TrackerUrls;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Trackers added as a last BEP 12 tier to every public torrent, as the seed's {@code BT_TRACKERS} does: from a
 * settings file and from the {@code HIVEBT_TRACKERS} environment variable (comma-separated). Private torrents
 * (BEP 27) never get them: their peers must come from their own tracker only. Invalid or unsupported URLs are
 * kept out and listed in {@link #rejected()} so the user can be told. Immutable and thread-safe.
 *
 * @param urls     valid tracker URLs, duplicates removed, in the order given
 * @param rejected entries that are not usable tracker URLs, as written
 */
public record BackupTrackers(List<URI> urls, List<String> rejected) {
    /** The environment variable holding a comma-separated list. */
    public static final String ENVIRONMENT_VARIABLE = "HIVEBT_TRACKERS";
    /** Most URLs kept from all sources together. */
    public static final int MAX_URLS = 64;
    private static final long MAX_FILE_BYTES = 64 * 1024;

    public BackupTrackers {
        urls = List.copyOf(urls);
        rejected = List.copyOf(rejected);
    }

    public static BackupTrackers none() {
        return new BackupTrackers(List.of(), List.of());
    }

    /** Parses a list separated by commas, white space or new lines; {@code #} starts a comment to the line end. */
    public static BackupTrackers parse(String text) {
        if (text == null || text.isBlank()) {
            return none();
        }
        Set<URI> urls = new LinkedHashSet<>();
        List<String> rejected = new ArrayList<>();
        for (String line : text.split("\\R")) {
            int hash = line.indexOf('#');
            String content = hash >= 0 ? line.substring(0, hash) : line;
            for (String item : content.split("[,\\s]+")) {
                if (item.isBlank()) {
                    continue;
                }
                try {
                    URI u = TrackerUrls.parse(item);
                    if (urls.size() < MAX_URLS) {
                        urls.add(u);
                    }
                } catch (TrackerException e) {
                    rejected.add(item);
                }
            }
        }
        return new BackupTrackers(new ArrayList<>(urls), rejected);
    }

    /** The list in {@code HIVEBT_TRACKERS} of {@code environment} (pass {@code System.getenv()}). */
    public static BackupTrackers fromEnvironment(Map<String, String> environment) {
        return parse(environment.get(ENVIRONMENT_VARIABLE));
    }

    /**
     * The list in a settings file (same syntax as {@link #parse}); a missing file is an empty list.
     *
     * @throws IOException when the file exists but cannot be read, or is larger than 64 KiB
     */
    public static BackupTrackers fromFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            return none();
        }
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException("tracker list " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** The settings file's list followed by the environment's, duplicates removed. */
    public static BackupTrackers load(Path settingsFile, Map<String, String> environment) throws IOException {
        BackupTrackers file = settingsFile == null ? none() : fromFile(settingsFile);
        return file.plus(fromEnvironment(environment));
    }

    /** This list followed by {@code other}'s, duplicates removed. */
    public BackupTrackers plus(BackupTrackers other) {
        Set<URI> all = new LinkedHashSet<>(urls);
        for (URI u : other.urls) {
            if (all.size() < MAX_URLS) {
                all.add(u);
            }
        }
        List<String> rej = new ArrayList<>(rejected);
        rej.addAll(other.rejected);
        return new BackupTrackers(new ArrayList<>(all), rej);
    }

    /**
     * {@code tiers} with these trackers appended as one last tier, leaving out URLs already in {@code tiers}; a
     * private torrent's tiers come back unchanged.
     */
    public List<List<URI>> applyTo(List<List<URI>> tiers, boolean privateTorrent) {
        List<List<URI>> out = new ArrayList<>();
        Set<URI> seen = new LinkedHashSet<>();
        for (List<URI> tier : tiers) {
            out.add(List.copyOf(tier));
            seen.addAll(tier);
        }
        if (privateTorrent || urls.isEmpty()) {
            return List.copyOf(out);
        }
        List<URI> backup = new ArrayList<>();
        for (URI u : urls) {
            if (!seen.contains(u)) {
                backup.add(u);
            }
        }
        if (!backup.isEmpty()) {
            out.add(List.copyOf(backup));
        }
        return List.copyOf(out);
    }
}

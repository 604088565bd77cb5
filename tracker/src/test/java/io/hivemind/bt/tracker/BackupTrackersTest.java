package io.hivemind.bt.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backup trackers (HIVEBT_TRACKERS, settings file) as a last tier, and the BEP 12 tier list from metainfo. */
class BackupTrackersTest {
    private static final URI A = URI.create("udp://a.example:6969/announce");
    private static final URI B = URI.create("http://b.example/announce");
    private static final URI T = URI.create("http://t.example/announce");

    @Test
    void environmentVariableIsCommaSeparated() {
        BackupTrackers b = BackupTrackers.fromEnvironment(Map.of("HIVEBT_TRACKERS",
                " udp://a.example:6969/announce, http://b.example/announce,,ftp://x/announce,udp://a.example:6969/announce"));
        assertEquals(List.of(A, B), b.urls());
        assertEquals(List.of("ftp://x/announce"), b.rejected(), "only http, https and udp (HARDENING.md)");
        assertTrue(BackupTrackers.fromEnvironment(Map.of()).urls().isEmpty());
    }

    @Test
    void settingsFileWithCommentsThenEnvironment(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("trackers.txt");
        Files.writeString(f, "# backup trackers\n" + B + "   # the main one\n\n" + A + "\n");
        BackupTrackers b = BackupTrackers.load(f, Map.of("HIVEBT_TRACKERS", A + "," + T));
        assertEquals(List.of(B, A, T), b.urls());
        assertEquals(List.of(), BackupTrackers.load(dir.resolve("missing"), Map.of()).urls());
        Files.write(f, new byte[70_000]);
        assertThrows(IOException.class, () -> BackupTrackers.fromFile(f));
        String many = String.join(",", java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> "http://t" + i + ".example/announce").toList());
        assertEquals(BackupTrackers.MAX_URLS, BackupTrackers.parse(many).urls().size());
    }

    @Test
    void addedAsALastTierToPublicTorrentsOnly() {
        BackupTrackers b = BackupTrackers.parse(A + "," + B);
        List<List<URI>> tiers = List.of(List.of(T), List.of(B));
        assertEquals(List.of(List.of(T), List.of(B), List.of(A)), b.applyTo(tiers, false),
                "a URL the torrent already has is not added again");
        assertEquals(tiers, b.applyTo(tiers, true), "private torrents (BEP 27) get no extra trackers");
        assertEquals(List.of(List.of(A, B)), b.applyTo(List.of(), false), "a trackerless torrent gets them all");
    }

    /** BEP 12: announce-list, when present, replaces announce; unusable URLs are left out and reported. */
    @Test
    void tiersFromMetainfo() {
        TrackerTiers t = TrackerTiers.fromMetainfo("http://ignored.example/announce",
                List.of(List.of(T.toString(), "wss://nope/announce"), List.of(), List.of(B.toString(), T.toString())));
        assertEquals(List.of(List.of(T), List.of(B)), t.tiers());
        assertEquals(List.of("wss://nope/announce"), t.rejected());
        TrackerTiers only = TrackerTiers.fromMetainfo(T.toString(), null);
        assertEquals(List.of(List.of(T)), only.tiers());
        TrackerTiers fallback = TrackerTiers.fromMetainfo(T.toString(), List.of(List.of("gopher://x/")));
        assertEquals(List.of(List.of(T)), fallback.tiers(), "no usable announce-list URL: fall back to announce");
        assertTrue(TrackerTiers.fromMetainfo(null, null).isEmpty());
        TrackerTiers withBackup = only.withBackup(BackupTrackers.parse(A.toString()), false);
        assertEquals(List.of(List.of(T), List.of(A)), withBackup.tiers());
        assertEquals(Arrays.asList(List.of(T)), only.withBackup(BackupTrackers.parse(A.toString()), true).tiers());
    }
}

package io.hivemind.bt.tracker;

import io.hivemind.bt.tracker.protocol.TrackerUrls;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The BEP 12 tier list of a torrent, made from its metainfo (or magnet link) strings: when {@code announce-list}
 * has any usable URL it is used and {@code announce} is ignored; otherwise {@code announce} is the one tier.
 * Unusable URLs (HARDENING.md: only http, https and udp) are left out and listed in {@link #rejected()}; a URL
 * seen in an earlier tier is dropped; empty tiers are dropped. Immutable and thread-safe.
 *
 * @param tiers    the tiers in order, each in metainfo order (the scheduler shuffles them)
 * @param rejected URL strings that were left out
 */
public record TrackerTiers(List<List<URI>> tiers, List<String> rejected) {
    /** Most URLs taken from one torrent. */
    public static final int MAX_URLS = 256;

    public TrackerTiers {
        List<List<URI>> copy = new ArrayList<>();
        for (List<URI> t : tiers) {
            copy.add(List.copyOf(t));
        }
        tiers = List.copyOf(copy);
        rejected = List.copyOf(rejected);
    }

    /**
     * @param announce     the {@code announce} string, or null
     * @param announceList the {@code announce-list} tiers, or null
     */
    public static TrackerTiers fromMetainfo(String announce, List<List<String>> announceList) {
        List<String> rejected = new ArrayList<>();
        List<List<URI>> tiers = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        int count = 0;
        if (announceList != null) {
            for (List<String> tier : announceList) {
                List<URI> t = new ArrayList<>();
                for (String s : tier) {
                    URI u = tryParse(s, rejected);
                    if (u != null && count < MAX_URLS && seen.add(u)) {
                        t.add(u);
                        count++;
                    }
                }
                if (!t.isEmpty()) {
                    tiers.add(t);
                }
            }
        }
        if (tiers.isEmpty() && announce != null) {
            URI u = tryParse(announce, rejected);
            if (u != null) {
                tiers.add(List.of(u));
            }
        }
        return new TrackerTiers(tiers, rejected);
    }

    /** Whether there is no usable tracker. */
    public boolean isEmpty() {
        return tiers.isEmpty();
    }

    /** These tiers with {@code backups} as a last tier, unless the torrent is private. */
    public TrackerTiers withBackup(BackupTrackers backups, boolean privateTorrent) {
        return new TrackerTiers(backups.applyTo(tiers, privateTorrent), rejected);
    }

    private static URI tryParse(String s, List<String> rejected) {
        try {
            return TrackerUrls.parse(s);
        } catch (TrackerException e) {
            if (s != null && !s.isBlank()) {
                rejected.add(s);
            }
            return null;
        }
    }
}

package io.hivemind.bt.client.session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The decisions of smart ban: who sent bad blocks, from the SHA-1 of every 16 KiB block of pieces that failed their
 * hash and of the same pieces once they verified. Pure: no I/O, no clock, no Netty; the session feeds it
 * {@link io.hivemind.bt.storage.PieceResult}s and applies what it returns ({@link SmartBan}).
 *
 * <h2>Implementation note</h2>
 * A failed attempt of a piece is remembered as (sender, SHA-1) per block. Evidence, strongest first:
 * <ol>
 *   <li><b>Sole contributor</b>: every block of a failed piece came from one peer: it lied (HARDENING.md: "a peer
 *       that was the only contributor of a failed piece is banned at once").
 *   <li><b>Differs from the verified piece</b>: when the piece later verifies (its retry asks storage for block
 *       hashes), every recorded block whose hash differs from the good one names its sender (libtorrent's
 *       {@code smart_ban} plugin does the same on {@code on_piece_pass}).
 *   <li><b>Inconsistent</b>: the same peer sent the same block twice with different contents: an honest peer always
 *       sends the same bytes.
 *   <li><b>Repeated failures</b>: a peer is in {@code maxUnexplained} failed attempts that no verification has
 *       explained yet (the backstop the issue asks for: "peers that send many failing pieces are banned").
 * </ol>
 * Contributors of a failed attempt become <i>suspects</i> until every attempt they are in is explained; the session
 * puts suspects on parole ({@link io.hivemind.bt.client.core.picker.PiecePicker#setParole}: whole pieces of their
 * own), so a poisoner's next bad piece has it as the sole contributor. An honest peer is never banned by rules 1-3
 * (its blocks always hash the same and match). For rule 4 a failure counts against a suspect only if its attempt
 * began after the suspect's last counted failure ({@link #begin} hands out the order): pieces already in flight, or
 * complete and waiting for their hash, when a peer fell under suspicion could not be protected by parole, and with
 * a fast poisoner there are many. Nor does a failure count against anyone when a banned peer sent part of it: the
 * banned peer explains it (the attempt is still judged when the piece verifies, so a second liar is still found).
 * So an honest suspect's count stays at one: its later pieces are its own and verify. Memory is bounded: at most
 * {@code maxAttempts} failed attempts are kept (the oldest is forgotten, its contributors' counts drop), at most
 * {@code maxBanned} keys.
 *
 * <p>Keys ({@code K}) identify a peer across connections (the session uses the IP, or the address on loopback);
 * {@code null} senders (unknown) count as nobody. Not thread-safe: owned by the torrent's event loop.
 *
 * @param <K> peer identity
 */
final class SmartBanPolicy<K> {

    /** Why a peer was banned. */
    enum Reason {
        /** It sent every block of a piece that failed its hash. */
        SOLE_CONTRIBUTOR,
        /** A block it sent differs from the same block of the piece once verified. */
        BLOCK_DIFFERED,
        /** It sent one block twice with different contents. */
        INCONSISTENT_DATA,
        /** It was in too many failed pieces that nothing explained. */
        REPEATED_FAILURES
    }

    /** A ban decision. */
    record Ban<K>(K peer, Reason reason, int piece) {
    }

    /**
     * What one event changed.
     *
     * @param bans        peers to ban now
     * @param newSuspects peers that just became suspects (put them on parole)
     * @param cleared     peers no longer suspected (lift parole)
     */
    record Outcome<K>(List<Ban<K>> bans, List<K> newSuspects, List<K> cleared) {
        static final Outcome<?> NONE = new Outcome<>(List.of(), List.of(), List.of());

        @SuppressWarnings("unchecked")
        static <K> Outcome<K> none() {
            return (Outcome<K>) NONE;
        }

        boolean isEmpty() {
            return bans.isEmpty() && newSuspects.isEmpty() && cleared.isEmpty();
        }
    }

    /**
     * Limits.
     *
     * @param maxUnexplained failed attempts, unexplained by any verification, that ban a peer (&ge; 2)
     * @param maxAttempts    failed attempts remembered (each holds 20 bytes per block)
     * @param maxBanned      banned keys remembered (the oldest is forgotten first)
     */
    record Config(int maxUnexplained, int maxAttempts, int maxBanned) {
        static final Config DEFAULT = new Config(4, 64, 4096);

        Config {
            if (maxUnexplained < 2 || maxAttempts < 1 || maxBanned < 1) {
                throw new IllegalArgumentException("bad smart ban limits: " + maxUnexplained + ", " + maxAttempts + ", " + maxBanned);
            }
        }
    }

    /** One failed attempt of a piece: who sent each block, and what; {@code contributors}: whose counts it raised. */
    private static final class Attempt<K> {
        final int piece;
        final K[] senders;
        final byte[][] hashes;
        final Set<K> contributors;

        Attempt(int piece, K[] senders, byte[][] hashes, Set<K> contributors) {
            this.piece = piece;
            this.senders = senders;
            this.hashes = hashes;
            this.contributors = contributors;
        }
    }

    private final Config config;
    /** Failed attempts by piece, each list oldest first. */
    private final Map<Integer, List<Attempt<K>>> attempts = new HashMap<>();
    /** Every remembered attempt, oldest first (for eviction). */
    private final LinkedHashSet<Attempt<K>> order = new LinkedHashSet<>();
    /** Suspects: how many remembered attempts each is in. */
    private final Map<K, Integer> unexplained = new HashMap<>();
    /** Suspects: the {@link #begin} order of their last counted failure. */
    private final Map<K, Long> countedAt = new HashMap<>();
    private long begun;
    private final LinkedHashMap<K, Reason> banned = new LinkedHashMap<>();

    SmartBanPolicy(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * An attempt of a piece begins (its buffer is reserved): returns its place in the order of attempts, to pass to
     * {@link #pieceFailed} if it fails.
     */
    long begin(int piece) {
        return ++begun;
    }

    /** True if the next attempt of {@code piece} should report block hashes (an earlier attempt failed). */
    boolean wantsBlockHashes(int piece) {
        return attempts.containsKey(piece);
    }

    boolean isBanned(K peer) {
        return peer != null && banned.containsKey(peer);
    }

    boolean isSuspect(K peer) {
        return peer != null && unexplained.containsKey(peer);
    }

    /** Failed attempts remembered (for tests and status). */
    int attemptCount() {
        return order.size();
    }

    /**
     * A piece failed its hash.
     *
     * @param attempt what {@link #begin} returned for this attempt (0 if unknown: counts as begun long ago)
     * @param senders who sent each block (null: unknown)
     * @param hashes  SHA-1 of each block as received, same length
     */
    Outcome<K> pieceFailed(int piece, long attempt, K[] senders, byte[][] hashes) {
        if (senders.length != hashes.length) {
            throw new IllegalArgumentException(senders.length + " senders for " + hashes.length + " blocks");
        }
        Set<K> contributors = new LinkedHashSet<>();
        boolean unknown = false;
        for (K k : senders) {
            if (k == null) {
                unknown = true;
            } else {
                contributors.add(k);
            }
        }
        List<Ban<K>> bans = new ArrayList<>();
        if (contributors.size() == 1 && !unknown) {
            ban(contributors.iterator().next(), Reason.SOLE_CONTRIBUTOR, piece, bans);
        }
        List<Attempt<K>> earlier = attempts.get(piece);
        if (earlier != null) {
            for (Attempt<K> a : earlier) {
                for (int i = 0; i < senders.length && i < a.senders.length; i++) {
                    if (senders[i] != null && senders[i].equals(a.senders[i]) && !Arrays.equals(hashes[i], a.hashes[i])) {
                        ban(senders[i], Reason.INCONSISTENT_DATA, piece, bans);
                    }
                }
            }
        }
        boolean explained = contributors.removeIf(banned::containsKey);
        List<K> newSuspects = new ArrayList<>();
        if (!contributors.isEmpty()) {
            Set<K> counted = new LinkedHashSet<>();
            if (!explained) {
                for (K k : contributors) {
                    Long last = countedAt.get(k);
                    if (last == null || attempt > last) {
                        counted.add(k);
                    }
                }
            }
            Attempt<K> a = new Attempt<>(piece, senders.clone(), hashes.clone(), counted);
            attempts.computeIfAbsent(piece, p -> new ArrayList<>(2)).add(a);
            order.add(a);
            for (K k : counted) {
                int n = unexplained.merge(k, 1, Integer::sum);
                countedAt.put(k, begun);
                if (n == 1) {
                    newSuspects.add(k);
                }
                if (n >= config.maxUnexplained()) {
                    ban(k, Reason.REPEATED_FAILURES, piece, bans);
                }
            }
        }
        List<K> cleared = new ArrayList<>();
        while (order.size() > config.maxAttempts()) {
            forget(order.iterator().next(), cleared);
        }
        newSuspects.removeIf(k -> banned.containsKey(k) || !unexplained.containsKey(k));
        return outcome(bans, newSuspects, cleared);
    }

    /**
     * A piece verified.
     *
     * @param hashes SHA-1 of each block (asked for with {@link #wantsBlockHashes}), or null if they were not asked for:
     *               then the failed attempts are forgotten without judging anyone
     */
    Outcome<K> pieceVerified(int piece, byte[][] hashes) {
        List<Attempt<K>> failed = attempts.get(piece);
        if (failed == null) {
            return Outcome.none();
        }
        List<Ban<K>> bans = new ArrayList<>();
        if (hashes != null) {
            for (Attempt<K> a : failed) {
                for (int i = 0; i < a.senders.length && i < hashes.length; i++) {
                    K k = a.senders[i];
                    if (k != null && !Arrays.equals(a.hashes[i], hashes[i])) {
                        ban(k, Reason.BLOCK_DIFFERED, piece, bans);
                    }
                }
            }
        }
        List<K> cleared = new ArrayList<>();
        for (Attempt<K> a : new ArrayList<>(failed)) {
            forget(a, cleared);
        }
        return outcome(bans, List.of(), cleared);
    }

    private void forget(Attempt<K> a, List<K> cleared) {
        order.remove(a);
        List<Attempt<K>> list = attempts.get(a.piece);
        if (list != null) {
            list.remove(a);
            if (list.isEmpty()) {
                attempts.remove(a.piece);
            }
        }
        for (K k : a.contributors) {
            Integer n = unexplained.get(k);
            if (n == null) {
                continue;
            }
            if (n <= 1) {
                unexplained.remove(k);
                countedAt.remove(k);
                if (!banned.containsKey(k)) {
                    cleared.add(k);
                }
            } else {
                unexplained.put(k, n - 1);
            }
        }
    }

    private void ban(K k, Reason reason, int piece, List<Ban<K>> out) {
        if (banned.containsKey(k)) {
            return;
        }
        banned.put(k, reason);
        unexplained.remove(k);
        countedAt.remove(k);
        out.add(new Ban<>(k, reason, piece));
        if (banned.size() > config.maxBanned()) {
            Iterator<K> it = banned.keySet().iterator();
            it.next();
            it.remove();
        }
    }

    private static <K> Outcome<K> outcome(List<Ban<K>> bans, List<K> newSuspects, List<K> cleared) {
        if (bans.isEmpty() && newSuspects.isEmpty() && cleared.isEmpty()) {
            return Outcome.none();
        }
        return new Outcome<>(List.copyOf(bans), List.copyOf(newSuspects), List.copyOf(cleared));
    }

    /** Suspects now (a copy; for tests). */
    Set<K> suspects() {
        return new HashSet<>(unexplained.keySet());
    }
}

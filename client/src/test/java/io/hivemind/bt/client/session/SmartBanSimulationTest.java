package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.picker.BlockLayout;
import io.hivemind.bt.client.core.picker.PickerPeer;
import io.hivemind.bt.client.core.picker.PiecePicker;
import io.hivemind.bt.wire.bits.Bitfield;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * HARDENING.md "Peers", smart ban: in a simulated swarm with one poisoner, the poisoner is banned after at most two
 * failed pieces and no honest peer is ever banned. The simulation drives the real {@link PiecePicker} (with parole)
 * and {@link SmartBanPolicy} the way {@link SmartBan} does in the session: requests are pipelined to several seeds at
 * once, blocks arrive in random order, a completed piece is judged before the next block arrives; the poisoner
 * corrupts each block it sends with some probability (always, half the time, or rarely), either the same way every
 * time or differently each time. Block contents are modelled by their SHA-1 stand-ins.
 */
class SmartBanSimulationTest {

    @Test
    void poisonerIsBannedAfterAtMostTwoFailedPiecesAndNoHonestPeerEver() {
        qt().withExamples(300).forAll(longs().all(), integers().between(1, 6), integers().between(1, 16), integers().between(0, 5))
                .checkAssert((seed, honest, blocksPerPiece, mode) -> {
                    Result r = new Sim(seed, honest, blocksPerPiece, mode).run();
                    assertTrue(r.done, "download did not complete: " + r);
                    assertTrue(r.honestBanned.isEmpty(), "honest peers banned: " + r);
                    assertTrue(r.failedPieces <= 2, "poisoner caused " + r.failedPieces + " failed pieces: " + r);
                    if (r.failedPieces > 0) {
                        assertTrue(r.poisonerBanned, "poisoner not banned: " + r);
                    }
                });
    }

    /** A fixed, busy case: one poisoner that always corrupts, among five seeds, deep pipelines. */
    @Test
    void alwaysCorruptingPoisonerAmongFiveSeeds() {
        for (long seed = 1; seed <= 40; seed++) {
            Result r = new Sim(seed, 5, 16, 0).run();
            assertTrue(r.done, r.toString());
            assertTrue(r.poisonerBanned, r.toString());
            assertTrue(r.failedPieces >= 1 && r.failedPieces <= 2, r.toString());
            assertTrue(r.honestBanned.isEmpty(), r.toString());
        }
    }

    record Result(boolean done, int failedPieces, boolean poisonerBanned, List<Integer> honestBanned, long steps,
                  List<String> banLog) {
    }

    /** Content stand-in: 0 = the true block, anything else = a corrupted version. */
    static byte[] hash(int piece, int block, int version) {
        byte[] h = new byte[20];
        long v = piece * 1_000_003L + block * 7919L + version * 104_729L;
        for (int i = 0; i < 8; i++) {
            h[i] = (byte) (v >>> (8 * i));
        }
        h[19] = (byte) version;
        return h;
    }

    static final class Peer implements PickerPeer {
        final int id;
        final Bitfield pieces;
        final IntList outstanding = new IntList();
        boolean banned;

        Peer(int id, int pieceCount) {
            this.id = id;
            this.pieces = Bitfield.full(pieceCount);
        }

        @Override
        public int peerId() {
            return id;
        }

        @Override
        public Bitfield pieces() {
            return pieces;
        }

        @Override
        public boolean chokingUs() {
            return false;
        }
    }

    static final class Sim {
        final SplittableRandom random;
        final int pieces;
        final int blocksPerPiece;
        final PiecePicker picker;
        final SmartBanPolicy<Integer> policy = new SmartBanPolicy<>(SmartBanPolicy.Config.DEFAULT);
        final List<Peer> peers = new ArrayList<>();
        final int poisoner;
        final double corruptProbability;
        final boolean sameCorruption;
        final int depth;
        /** In-flight pieces: sender and content version of each block (-1 = not yet), whether hashes were asked for. */
        final Map<Integer, int[][]> buffers = new HashMap<>();
        final Map<Integer, Boolean> wantHashes = new HashMap<>();
        final Map<Integer, Long> tickets = new HashMap<>();
        int failed;
        final List<String> log = new ArrayList<>();

        Sim(long seed, int honest, int blocksPerPiece, int mode) {
            this.random = new SplittableRandom(seed);
            this.pieces = 4 + random.nextInt(40);
            this.blocksPerPiece = blocksPerPiece;
            int block = BlockLayout.BLOCK_SIZE;
            this.picker = new PiecePicker(BlockLayout.uniform(blocksPerPiece * block, (long) pieces * blocksPerPiece * block),
                    new SplittableRandom(random.nextLong()));
            for (int i = 0; i <= honest; i++) {
                peers.add(new Peer(i, pieces));
                picker.seedJoined();
            }
            this.poisoner = random.nextInt(honest + 1);
            this.corruptProbability = switch (mode % 3) {
                case 0 -> 1.0;
                case 1 -> 0.5;
                default -> 0.1;
            };
            this.sameCorruption = mode >= 3;
            this.depth = 1 + random.nextInt(12);
        }

        Result run() {
            long steps = 0;
            while (!picker.isDone() && steps < 400_000) {
                steps++;
                Peer p = peers.get(random.nextInt(peers.size()));
                if (p.banned) {
                    continue;
                }
                if (p.outstanding.size() < depth && random.nextInt(3) == 0) {
                    IntList out = new IntList();
                    picker.pickBlocks(p, depth - p.outstanding.size(), steps, out);
                    for (int i = 0; i < out.size(); i++) {
                        p.outstanding.add(out.get(i));
                    }
                } else if (!p.outstanding.isEmpty()) {
                    deliver(p, p.outstanding.removeAtSwap(random.nextInt(p.outstanding.size())), steps);
                }
            }
            List<Integer> honestBanned = new ArrayList<>();
            for (Peer p : peers) {
                if (p.banned && p.id != poisoner) {
                    honestBanned.add(p.id);
                }
            }
            return new Result(picker.isDone(), failed, peers.get(poisoner).banned, honestBanned, steps, log);
        }

        void deliver(Peer p, int block, long now) {
            int piece = block / blocksPerPiece;
            int b = block % blocksPerPiece;
            PiecePicker.BlockResult r = picker.blockReceived(block, p.id, now, new IntList());
            if (r == PiecePicker.BlockResult.DUPLICATE || r == PiecePicker.BlockResult.UNWANTED) {
                return;
            }
            int[][] buf = buffers.get(piece);
            if (buf == null) {
                buf = new int[blocksPerPiece][];
                buffers.put(piece, buf);
                wantHashes.put(piece, policy.wantsBlockHashes(piece));
                tickets.put(piece, policy.begin(piece));
            }
            if (buf[b] != null) {
                return; // the piece buffer keeps the first copy
            }
            int version = 0;
            if (p.id == poisoner && random.nextDouble() < corruptProbability) {
                version = sameCorruption ? 1 : 1 + random.nextInt(1000);
            }
            buf[b] = new int[] {p.id, version};
            if (r == PiecePicker.BlockResult.PIECE_COMPLETE) {
                complete(piece, buf);
            }
        }

        void complete(int piece, int[][] buf) {
            buffers.remove(piece);
            boolean asked = wantHashes.remove(piece);
            long ticket = tickets.remove(piece);
            boolean good = true;
            Integer[] senders = new Integer[blocksPerPiece];
            byte[][] hashes = new byte[blocksPerPiece][];
            for (int b = 0; b < blocksPerPiece; b++) {
                senders[b] = buf[b][0];
                hashes[b] = hash(piece, b, buf[b][1]);
                good &= buf[b][1] == 0;
            }
            SmartBanPolicy.Outcome<Integer> o;
            if (good) {
                picker.pieceVerified(piece);
                o = policy.pieceVerified(piece, asked ? hashes : null);
            } else {
                picker.pieceFailed(piece);
                failed++;
                log.add("piece " + piece + " failed, senders " + java.util.Arrays.toString(senders));
                o = policy.pieceFailed(piece, ticket, senders, hashes);
            }
            apply(o);
        }

        void abandonTainted(int id) {
            IntList tainted = new IntList();
            picker.taintedPieces(id, tainted);
            for (int i = 0; i < tainted.size(); i++) {
                int piece = tainted.get(i);
                buffers.remove(piece);
                wantHashes.remove(piece);
                tickets.remove(piece);
                picker.pieceFailed(piece);
            }
        }

        /** What {@link SmartBan} does with an outcome. */
        void apply(SmartBanPolicy.Outcome<Integer> o) {
            for (SmartBanPolicy.Ban<Integer> ban : o.bans()) {
                Peer p = peers.get(ban.peer());
                log.add("ban " + ban);
                if (!p.banned) {
                    p.banned = true;
                    p.outstanding.clear();
                    abandonTainted(p.id);
                    picker.peerGone(p.id);
                    picker.seedLeft();
                }
            }
            for (Integer k : o.newSuspects()) {
                Peer p = peers.get(k);
                if (p.banned) {
                    continue;
                }
                picker.setParole(p.id, true, null);
                abandonTainted(p.id);
            }
            for (Integer k : o.cleared()) {
                Peer p = peers.get(k);
                if (!p.banned) {
                    picker.setParole(p.id, false, null);
                }
            }
        }
    }

    @Test
    void simulationSeesFailuresAtAll() {
        // guards against a simulation that never exercises smart ban
        int withFailures = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Result r = new Sim(seed, 3, 4, 0).run();
            if (r.failedPieces > 0) {
                withFailures++;
            }
        }
        assertEquals(20, withFailures);
        assertFalse(new Sim(1, 3, 4, 0).run().banLog.isEmpty());
    }
}

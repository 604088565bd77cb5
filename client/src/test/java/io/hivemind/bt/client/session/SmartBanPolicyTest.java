package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.session.SmartBanPolicy.Ban;
import io.hivemind.bt.client.session.SmartBanPolicy.Outcome;
import io.hivemind.bt.client.session.SmartBanPolicy.Reason;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules of {@link SmartBanPolicy}, one by one. Blocks are named by a one-byte "content" turned into a hash. */
class SmartBanPolicyTest {

    static byte[] h(int content) {
        byte[] b = new byte[20];
        b[0] = (byte) content;
        b[19] = 7;
        return b;
    }

    static byte[][] hashes(int... contents) {
        byte[][] out = new byte[contents.length][];
        for (int i = 0; i < contents.length; i++) {
            out[i] = h(contents[i]);
        }
        return out;
    }

    static SmartBanPolicy<String> policy() {
        return new SmartBanPolicy<>(SmartBanPolicy.Config.DEFAULT);
    }

    @Test
    void soleContributorOfAFailedPieceIsBannedAtOnce() {
        SmartBanPolicy<String> p = policy();
        Outcome<String> o = p.pieceFailed(3, p.begin(3), new String[] {"evil", "evil", "evil"}, hashes(9, 9, 9));
        assertEquals(List.of(new Ban<>("evil", Reason.SOLE_CONTRIBUTOR, 3)), o.bans());
        assertTrue(p.isBanned("evil"));
        assertFalse(p.wantsBlockHashes(3), "nothing left to compare");
    }

    @Test
    void unknownSenderMeansNotSole() {
        SmartBanPolicy<String> p = policy();
        Outcome<String> o = p.pieceFailed(3, p.begin(3), new String[] {"a", null}, hashes(1, 2));
        assertTrue(o.bans().isEmpty());
        assertEquals(List.of("a"), o.newSuspects());
    }

    /** libtorrent's smart ban: the verified piece's block hashes name the peer whose block differed. */
    @Test
    void verifiedPieceNamesThePeerWhoseBlockDifferedAndClearsTheOthers() {
        SmartBanPolicy<String> p = policy();
        Outcome<String> failed = p.pieceFailed(5, p.begin(5), new String[] {"a", "evil", "b", "a"}, hashes(1, 66, 3, 4));
        assertTrue(failed.bans().isEmpty());
        assertEquals(Set.of("a", "evil", "b"), Set.copyOf(failed.newSuspects()));
        assertTrue(p.wantsBlockHashes(5));
        Outcome<String> ok = p.pieceVerified(5, hashes(1, 2, 3, 4));
        assertEquals(List.of(new Ban<>("evil", Reason.BLOCK_DIFFERED, 5)), ok.bans());
        assertEquals(Set.of("a", "b"), Set.copyOf(ok.cleared()));
        assertFalse(p.isSuspect("a"));
        assertFalse(p.wantsBlockHashes(5));
        assertEquals(0, p.attemptCount());
    }

    @Test
    void verificationWithoutHashesForgetsWithoutJudging() {
        SmartBanPolicy<String> p = policy();
        p.pieceFailed(5, p.begin(5), new String[] {"a", "b"}, hashes(1, 66));
        Outcome<String> ok = p.pieceVerified(5, null);
        assertTrue(ok.bans().isEmpty());
        assertEquals(Set.of("a", "b"), Set.copyOf(ok.cleared()));
    }

    @Test
    void samePeerSendingOneBlockTwiceWithDifferentContentsIsBanned() {
        SmartBanPolicy<String> p = policy();
        p.pieceFailed(1, p.begin(1), new String[] {"a", "b"}, hashes(1, 66));
        Outcome<String> again = p.pieceFailed(1, p.begin(1), new String[] {"c", "b"}, hashes(1, 67));
        assertEquals(List.of(new Ban<>("b", Reason.INCONSISTENT_DATA, 1)), again.bans());
        assertFalse(p.isBanned("a"));
        assertFalse(p.isBanned("c"));
    }

    @Test
    void manyUnexplainedFailuresBan() {
        SmartBanPolicy<String> p = new SmartBanPolicy<>(new SmartBanPolicy.Config(3, 64, 100));
        p.pieceFailed(1, p.begin(1), new String[] {"a", "x1"}, hashes(1, 2));
        p.pieceFailed(2, p.begin(2), new String[] {"a", "x2"}, hashes(1, 2));
        Outcome<String> third = p.pieceFailed(3, p.begin(3), new String[] {"a", "x3"}, hashes(1, 2));
        assertEquals(List.of(new Ban<>("a", Reason.REPEATED_FAILURES, 3)), third.bans());
        assertFalse(p.isBanned("x1"));
    }

    /**
     * Pieces that were already in flight (or waiting for their hash) when a peer fell under suspicion fail too, but
     * do not count against it: parole could not have protected them. An honest peer sharing pieces with a fast
     * poisoner is not banned for that.
     */
    @Test
    void failuresOfPiecesBegunBeforeTheSuspicionDoNotCount() {
        SmartBanPolicy<String> p = new SmartBanPolicy<>(new SmartBanPolicy.Config(2, 64, 100));
        long[] inFlight = new long[6];
        for (int i = 0; i < inFlight.length; i++) {
            inFlight[i] = p.begin(i);
        }
        p.pieceFailed(0, inFlight[0], new String[] {"honest", "evil"}, hashes(1, 66));
        for (int i = 1; i < inFlight.length; i++) {
            Outcome<String> o = p.pieceFailed(i, inFlight[i], new String[] {"honest", "evil"}, hashes(1, 66));
            assertTrue(o.bans().isEmpty(), "piece " + i + ": " + o);
        }
        assertTrue(p.isSuspect("honest"));
        // a piece begun after the suspicion that fails again does count (parole should have kept it apart)
        Outcome<String> later = p.pieceFailed(9, p.begin(9), new String[] {"honest", "evil"}, hashes(1, 66));
        assertEquals(2, later.bans().size(), later.toString());
    }

    @Test
    void aFailureWithABannedContributorRaisesNoSuspicion() {
        SmartBanPolicy<String> p = policy();
        long a = p.begin(1);
        long b = p.begin(2);
        p.pieceFailed(1, a, new String[] {"evil", "evil"}, hashes(9, 9));
        Outcome<String> o = p.pieceFailed(2, b, new String[] {"evil", "honest"}, hashes(9, 2));
        assertTrue(o.newSuspects().isEmpty());
        assertFalse(p.isSuspect("honest"));
        assertTrue(p.wantsBlockHashes(2), "still judged when it verifies");
        Outcome<String> ok = p.pieceVerified(2, hashes(1, 2));
        assertTrue(ok.bans().isEmpty(), "evil is banned already, honest matched");
    }

    @Test
    void oldAttemptsAreForgottenAndTheirSuspectsCleared() {
        SmartBanPolicy<String> p = new SmartBanPolicy<>(new SmartBanPolicy.Config(4, 2, 100));
        p.pieceFailed(1, p.begin(1), new String[] {"a", "b"}, hashes(1, 2));
        p.pieceFailed(2, p.begin(2), new String[] {"c", "d"}, hashes(1, 2));
        Outcome<String> third = p.pieceFailed(3, p.begin(3), new String[] {"e", "f"}, hashes(1, 2));
        assertEquals(Set.of("a", "b"), Set.copyOf(third.cleared()));
        assertEquals(2, p.attemptCount());
        assertFalse(p.wantsBlockHashes(1));
    }

    @Test
    void bannedKeysAreBounded() {
        SmartBanPolicy<String> p = new SmartBanPolicy<>(new SmartBanPolicy.Config(4, 8, 2));
        p.pieceFailed(1, p.begin(1), new String[] {"a"}, hashes(1));
        p.pieceFailed(2, p.begin(2), new String[] {"b"}, hashes(1));
        p.pieceFailed(3, p.begin(3), new String[] {"c"}, hashes(1));
        assertFalse(p.isBanned("a"), "the oldest ban is forgotten");
        assertTrue(p.isBanned("b"));
        assertTrue(p.isBanned("c"));
    }

    @Test
    void mismatchedArraysAreAProgrammerError() {
        assertThrows(IllegalArgumentException.class, () -> policy().pieceFailed(0, 1, new String[] {"a"}, hashes(1, 2)));
    }
}

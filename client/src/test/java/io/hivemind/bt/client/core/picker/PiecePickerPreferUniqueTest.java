package io.hivemind.bt.client.core.picker;

import static io.hivemind.bt.client.core.picker.PiecePickerTest.BPP;
import static io.hivemind.bt.client.core.picker.PiecePickerTest.pick;
import static io.hivemind.bt.client.core.picker.PiecePickerTest.picker;
import static io.hivemind.bt.client.core.picker.PiecePickerTest.pieces;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Picking from a {@link PickerPeer#preferUnique()} peer: a lone seed (an origin) while other peers serve us. It
 * must only be asked for what nobody else has, its BEP 6 suggestions first (BEP 6 "Suggest Piece": the seed
 * reserved them for us), so that its uplink carries no piece another peer could have supplied (DESIGN.md,
 * "What decides swarm efficiency"). Availability strings count non-seed peers, as elsewhere in the picker tests.
 */
class PiecePickerPreferUniqueTest {
    private static TestPeer origin(int pieces) {
        TestPeer seed = TestPeer.seed(9, pieces);
        seed.preferUnique = true;
        return seed;
    }

    @Test
    void asksTheSeedOnlyForPiecesNoOtherPeerHas() {
        PiecePicker p = picker("0101", null, null);
        p.seedJoined();
        assertEquals(Set.of(0, 2), pieces(pick(p, origin(4), 100)));
        // every missing piece is now requested from it or held by others: nothing more for the seed
        assertEquals(0, pick(p, origin(4), 100).length);
    }

    @Test
    void nothingForTheSeedWhenOtherPeersHoldEverything() {
        PiecePicker p = picker("1211", null, null);
        p.seedJoined();
        assertEquals(0, pick(p, origin(4), 100).length);
        TestPeer normal = TestPeer.seed(8, 4);
        assertEquals(4 * BPP, pick(p, normal, 100).length, "a seed without the flag is asked as usual");
    }

    @Test
    void suggestionsComeFirstAndHoldBackFreshPieces() {
        PiecePicker p = picker("00000", null, null);
        p.seedJoined();
        TestPeer seed = origin(5);
        seed.suggested.add(3);
        int[] blocks = pick(p, seed, 100);
        // the suggested piece only: starting other fresh pieces would race other downloaders steered elsewhere
        assertEquals(Set.of(3), pieces(blocks));
        assertEquals(BPP, blocks.length);
    }

    @Test
    void continuesStartedPiecesOnlyIfNoOtherPeerHasThem() {
        PiecePicker p = picker("01000", null, null);
        p.seedJoined();
        TestPeer other = TestPeer.of(1, " x   ");
        assertEquals(Set.of(1), pieces(pick(p, other, 1))); // piece 1 started from the other peer
        TestPeer seed = origin(5);
        seed.suggested.add(4);
        assertEquals(Set.of(4), pieces(pick(p, seed, 2))); // two blocks of the suggested piece
        Set<Integer> next = pieces(pick(p, seed, 100));
        // the rest of piece 4 (started from the seed, nobody else has it), never the shared piece 1
        assertEquals(Set.of(4), next);
        assertTrue(pieces(pick(p, other, 100)).contains(1), "piece 1 stays for the peer that has it");
    }

    @Test
    void withoutSuggestionsTakesTheRarestUniquePieces() {
        PiecePicker p = picker("20100", null, null);
        p.seedJoined();
        Set<Integer> got = pieces(pick(p, origin(5), 100));
        assertEquals(Set.of(1, 3, 4), got);
    }
}

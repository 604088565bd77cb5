package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.generators.SourceDSL;

/** {@link QueueOrder}: positions are dense, moves shift the others, and it agrees with a plain list. */
class QueueOrderTest {

    @Test
    void addMoveRemoveKeepPositionsDense() {
        QueueOrder<String> q = new QueueOrder<>();
        q.add("a");
        q.add("b");
        q.add("c");
        assertEquals(List.of(0, 1, 2), List.of(q.position("a"), q.position("b"), q.position("c")));
        assertTrue(q.move("c", 0));
        assertEquals(List.of(1, 2, 0), List.of(q.position("a"), q.position("b"), q.position("c")));
        assertTrue(q.move("c", 99)); // beyond the end: last
        assertEquals(2, q.position("c"));
        q.remove("a");
        assertEquals(List.of(-1, 0, 1), List.of(q.position("a"), q.position("b"), q.position("c")));
        assertFalse(q.move("a", 0));
        assertThrows(IllegalArgumentException.class, () -> q.move("b", -1));
        assertEquals(2, q.size());
    }

    @Test
    void identityNotEquality() {
        QueueOrder<String> q = new QueueOrder<>();
        String one = new String("x");
        String two = new String("x");
        q.add(one);
        q.add(two);
        assertEquals(0, q.position(one));
        assertEquals(1, q.position(two));
    }

    /** Random operations agree with an ArrayList model (remove, then insert at the clamped index). */
    @Test
    void agreesWithAListModel() {
        QuickTheory.qt().withExamples(300).forAll(SourceDSL.lists().of(SourceDSL.integers().between(0, 3 * 16 - 1))
                .ofSizeBetween(0, 60)).checkAssert(ops -> {
            Integer[] items = new Integer[16];
            for (int i = 0; i < items.length; i++) {
                items[i] = Integer.valueOf(i + 1000); // distinct identities
            }
            QueueOrder<Integer> q = new QueueOrder<>();
            List<Integer> model = new ArrayList<>();
            for (int op : ops) {
                Integer t = items[op % 16];
                switch (op / 16) {
                    case 0 -> {
                        if (!model.contains(t)) {
                            q.add(t);
                            model.add(t);
                        }
                    }
                    case 1 -> {
                        q.remove(t);
                        model.remove(t);
                    }
                    default -> {
                        int to = (op * 7) % 20;
                        boolean present = model.remove(t);
                        if (present) {
                            model.add(Math.min(to, model.size()), t);
                        }
                        assertEquals(present, q.move(t, to));
                    }
                }
                for (Integer x : items) {
                    assertEquals(model.indexOf(x), q.position(x));
                }
            }
        });
    }
}

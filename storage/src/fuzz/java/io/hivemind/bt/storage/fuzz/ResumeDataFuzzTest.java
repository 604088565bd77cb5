package io.hivemind.bt.storage.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.storage.resume.ResumeData;
import io.hivemind.bt.storage.resume.ResumeDataCodec;
import io.hivemind.bt.storage.resume.ResumeDataException;

/**
 * Arbitrary bytes as a resume file never hang and never throw anything but {@link ResumeDataException}; whatever
 * decodes re-encodes canonically to the same data (HARDENING.md "Fuzzing": resume data). Saved inputs in
 * {@code src/fuzz/resources/.../ResumeDataFuzzTestInputs/decode/} replay in every normal test run.
 */
class ResumeDataFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void decode(byte[] input) {
        ResumeData d;
        try {
            d = ResumeDataCodec.decode(input);
        } catch (ResumeDataException expected) {
            return;
        }
        byte[] again = ResumeDataCodec.encode(d);
        ResumeData back = ResumeDataCodec.decode(again);
        assertEquals(d, back);
        assertArrayEquals(again, ResumeDataCodec.encode(back));
    }
}

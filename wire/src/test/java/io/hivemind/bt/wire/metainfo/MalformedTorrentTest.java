package io.hivemind.bt.wire.metainfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code malformed/} fixture folder: every bad torrent listed in {@code reasons.tsv} is rejected with exactly its
 * {@link MetainfoException.Reason} (BEP 3, BEP 12, BEP 19, BEP 47, BEP 52 and HARDENING.md limits), and the
 * committed files are exactly what {@link MalformedTorrents} generates.
 */
class MalformedTorrentTest {
    private static final String DIR = "/io/hivemind/bt/wire/metainfo/malformed/";

    static Stream<Arguments> fixtures() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String line : resource("reasons.tsv").lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t");
            out.add(Arguments.of(cols[0], MetainfoException.Reason.valueOf(cols[1])));
        }
        return out.stream();
    }

    private static String resource(String name) throws IOException {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String name) throws IOException {
        try (InputStream in = MalformedTorrentTest.class.getResourceAsStream(DIR + name)) {
            assertNotNull(in, "missing fixture " + name);
            return in.readAllBytes();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("fixtures")
    void everyFixtureIsRejectedWithItsReason(String file, MetainfoException.Reason reason) throws IOException {
        byte[] torrent = bytes(file);
        MetainfoException e = assertThrows(MetainfoException.class, () -> Metainfo.parse(torrent));
        assertEquals(reason, e.reason(), e.getMessage());
    }

    @Test
    void thereAreAtLeastFortyFixturesCoveringMostReasons() throws IOException {
        List<Arguments> all = fixtures().toList();
        assertTrue(all.size() >= 40, all.size() + " fixtures");
        long reasons = all.stream().map(a -> a.get()[1]).distinct().count();
        // TOO_LARGE (a 10 MB file) and HASH_MISMATCH (BEP 9 only) are tested in MetainfoTest
        assertEquals(MetainfoException.Reason.values().length - 2, reasons);
    }

    /**
     * The committed files are exactly the generator's output. With {@code -Dhivebt.regenerate=true} (run from the
     * module directory) this test rewrites them first.
     */
    @Test
    void committedFixturesEqualTheGenerator() throws IOException {
        Map<String, MalformedTorrents.Case> cases = MalformedTorrents.cases();
        if (Boolean.getBoolean("hivebt.regenerate")) {
            regenerate(cases);
        }
        assertEquals(MalformedTorrents.table(cases), resource("reasons.tsv"));
        for (Map.Entry<String, MalformedTorrents.Case> e : cases.entrySet()) {
            assertArrayEquals(e.getValue().bytes(), bytes(e.getKey() + ".torrent"), e.getKey());
        }
    }

    private static void regenerate(Map<String, MalformedTorrents.Case> cases) throws IOException {
        Path dir = Path.of("src/test/resources" + DIR);
        Files.createDirectories(dir);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        for (Map.Entry<String, MalformedTorrents.Case> e : cases.entrySet()) {
            Files.write(dir.resolve(e.getKey() + ".torrent"), e.getValue().bytes());
        }
        Files.writeString(dir.resolve("reasons.tsv"), MalformedTorrents.table(cases));
    }
}

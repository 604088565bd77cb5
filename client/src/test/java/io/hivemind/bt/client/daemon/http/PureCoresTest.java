package io.hivemind.bt.client.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Host allowlist, login throttle, file-name sanitiser and download roots: the guard's pure helpers. */
class PureCoresTest {

    @Test
    void hostAllowlistAcceptsIpLiteralsLocalhostAndConfiguredNamesOnly() {
        HostAllowlist h = new HostAllowlist(Set.of("Box.Lan"));
        for (String ok : new String[] {"127.0.0.1", "127.0.0.1:9091", "10.1.2.3:80", "[::1]:8080", "[::1]", "localhost",
                "LOCALHOST:1", "localhost.", "box.lan", "box.lan:8080", "BOX.LAN."}) {
            assertTrue(h.allows(ok), ok);
        }
        for (String bad : new String[] {null, "", "evil.example", "127.0.0.1.evil.example", "localhost.evil.example",
                "box.lan.evil", "256.1.1.1", "1.2.3", "127.0.0.1:99999", "[::1", "[::1]x", "a b", "evil.example:80:80",
                "x".repeat(300), "box.lan@evil.example"}) {
            assertFalse(h.allows(bad), String.valueOf(bad));
        }
        assertTrue(new HostAllowlist(Set.of("*")).allows("anything.example"));
        assertFalse(new HostAllowlist(Set.of("*")).allows("bad host"));
    }

    @Test
    void loginThrottleBlocksAfterFreeFailuresDoublesAndForgetsOnSuccess() throws Exception {
        LoginThrottle t = new LoginThrottle(3, 1_000, 8_000, 2);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        long now = 0;
        for (int i = 0; i < 2; i++) {
            t.failure(a, now);
            assertEquals(0, t.blockedFor(a, now));
        }
        t.failure(a, now);
        assertEquals(1_000, t.blockedFor(a, now));
        t.failure(a, now + 1_000);
        assertEquals(2_000, t.blockedFor(a, now + 1_000));
        for (int i = 0; i < 10; i++) {
            t.failure(a, now + 2_000);
        }
        assertEquals(8_000, t.blockedFor(a, now + 2_000), "capped");
        assertEquals(0, t.blockedFor(b, now), "per address");
        t.success(a);
        assertEquals(0, t.blockedFor(a, now + 2_000));
        t.failure(a, 0);
        t.failure(b, 0);
        t.failure(InetAddress.getByName("192.0.2.3"), 0);
        assertEquals(2, t.tracked(), "bounded memory");
    }

    /** HARDENING.md "File names": a corpus of hostile names, each sanitised to something safe or dropped. */
    @Test
    void hostileFileNamesAreSanitised() {
        String[][] cases = {
                {"..", null}, {".", null}, {"", null}, {"   ", null}, {"...", null},
                {"a/b", "a_b"}, {"a\\b", "a_b"}, {"CON", "_CON"}, {"con.txt", "_con.txt"}, {"LPT9.log", "_LPT9.log"},
                {"name. . .", "name"}, {"  spaced  ", "spaced"}, {"tab\there", "tabhere"}, {"nul\0byte", "nulbyte"},
                {"evil\u202etxt.exe", "eviltxt.exe"}, {"zero\u200bwidth", "zerowidth"}, {"bom\ufeff", "bom"},
                {"a:b*c?d\"e<f>g|h", "a_b_c_d_e_f_g_h"}, {"\u00e9t\u00e9.flac", "\u00e9t\u00e9.flac"},
                {"c1\u0085ctl", "c1ctl"}, {"del\u007f", "del"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], FileNames.component(c[0]), c[0]);
        }
        String longName = "\u00e9".repeat(300) + ".safetensors";
        String cut = FileNames.component(longName);
        assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= 255);
        assertTrue(cut.endsWith(".safetensors"));
        assertEquals(List.of("etc", "passwd"), FileNames.relativePath("../../etc/passwd"));
        assertEquals(List.of("x"), FileNames.relativePath("/\\..\\./x"));
        assertEquals(List.of(), FileNames.relativePath("../.."));
        assertEquals(List.of(), FileNames.relativePath("a/".repeat(101)));
        for (int cp = 0; cp < 0x3000; cp++) {
            String s = FileNames.component("x" + new String(Character.toChars(cp)) + "y");
            assertTrue(s == null || !(s.contains("/") || s.contains("\\") || s.contains("\0") || s.equals("..")), "cp " + cp);
        }
    }

    @Test
    void downloadRootsConfineLexicallyAndThroughSymlinks() throws Exception {
        Path tmp = Files.createTempDirectory("hivebt-roots-");
        try {
            Path dl = tmp.resolve("dl");
            Path other = tmp.resolve("other");
            Files.createDirectories(dl);
            DownloadRoots r = new DownloadRoots(dl, List.of(other));
            assertEquals(dl, r.resolve(null));
            assertEquals(dl.resolve("sub"), r.resolve("sub"));
            assertEquals(other.resolve("x"), r.resolve(other.resolve("x").toString()));
            assertEquals(403, assertThrows(ApiException.class, () -> r.resolve("../x")).status());
            assertEquals(403, assertThrows(ApiException.class, () -> r.resolve("/etc")).status());
            assertEquals(403, assertThrows(ApiException.class, () -> r.resolve(dl + "/../other2")).status());
            assertEquals(400, assertThrows(ApiException.class, () -> r.resolve("a\0b")).status());
            Files.createSymbolicLink(dl.resolve("link"), Path.of("/etc"));
            assertEquals(403, assertThrows(ApiException.class, () -> r.resolve("link/sub")).status());
            assertNull(null);
        } finally {
            UploadReceiver.deleteTree(tmp);
        }
    }
}

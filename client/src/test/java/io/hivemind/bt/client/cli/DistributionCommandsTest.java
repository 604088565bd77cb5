package io.hivemind.bt.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.distribution.ChannelKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hivebt publish} and {@code hivebt worker}: key generation and usage errors (exit code 2, nothing started).
 * The commands at work are tested end to end, each in its own JVM, by {@code DistributionProcessTest}.
 */
class DistributionCommandsTest {

    private record Result(int code, String out, String err) {
    }

    private static synchronized Result hivebt(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void generateKeyPrintsAMatchingPair() throws Exception {
        Result r = hivebt("publish", "--generate-key", "--channel-name", "resnet");
        assertEquals(0, r.code(), r.err());
        Matcher secret = Pattern.compile("secret\\): ([0-9a-f]{64}:resnet)").matcher(r.out());
        Matcher pub = Pattern.compile("public\\):\\s+([0-9a-f]{64}:resnet)").matcher(r.out());
        assertTrue(secret.find() && pub.find(), r.out());
        assertEquals(pub.group(1), ChannelKey.parse(secret.group(1)).channel().toString());
    }

    @Test
    void usageErrors(@TempDir Path tmp) {
        String key = ChannelKey.generate("m").encode();
        String model = tmp.toString();
        String[][] cases = {
                {"publish", "--state", tmp.resolve("s").toString(), model},                      // no key
                {"publish", "--channel-key", "1234", model},                                       // bad key
                {"publish", "--channel-key", key, "--state", tmp.resolve("s").toString()},         // no path
                {"publish", "--channel-key", key, tmp.resolve("missing").toString()},              // missing path
                {"publish", "--channel-key", key, "--meta", "novalue", model},                     // bad --meta
                {"publish", "--channel-key", key, "--task", "t1", model},                          // task without --to
                {"publish", "--channel-key", key, "--task", "../t", "--to", "w1", model},          // bad task id
                {"publish", "--channel-key", key, "--torrent-version", "v3", model},               // bad version
                {"worker", "--channel", "nothex", "--dir", tmp.toString()},                        // bad channel
                {"worker", "--channel", ChannelKey.generate("m").channel().toString(), "--dir", tmp.toString(),
                        "--id", "bad id"},                                                         // bad id
        };
        for (String[] c : cases) {
            Result r = hivebt(c);
            assertEquals(2, r.code(), String.join(" ", c) + "\n" + r.out() + r.err());
        }
    }
}

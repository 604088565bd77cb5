package io.hivemind.bt.client.daemon.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.client.daemon.Daemon;
import io.hivemind.bt.client.daemon.DaemonFixture;
import io.hivemind.bt.client.daemon.DaemonRestTestData;
import io.hivemind.bt.client.daemon.SettingsCodec;
import io.hivemind.bt.client.daemon.TestTorrents;
import io.hivemind.bt.client.daemon.TorrentSources;
import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonException;
import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.hivemind.bt.client.daemon.json.JsonString;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import io.hivemind.bt.client.daemon.rpc.TransmissionRpc;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * Transmission RPC request bodies (HARDENING.md "Fuzzing": REST/RPC bodies; the Transmission RPC spec, version 17)
 * against a daemon over a {@code FakeSession}: the input is the JSON text of one request object, or an array of up
 * to four run in turn. Whatever the request, {@link TransmissionRpc#call} answers with a {@code result} string (an
 * RPC-level refusal is a result, not an exception) and the answer writes out as JSON that reads back equal. Every
 * input starts from the same state (one small paused torrent, the initial settings) so a saved input replays the same
 * way. Requests that name an {@code http(s)} URL to fetch are skipped: the target stays off the network. {@link
 * DaemonBodyFuzzTest} covers the JSON reader itself and the REST bodies.
 */
class TransmissionRpcFuzzTest {
    private static DaemonFixture fixture;
    private static JsonObject initialSettings;
    private static byte[] torrent;

    private static synchronized DaemonFixture fixture() throws Exception {
        if (fixture == null) {
            fixture = new DaemonFixture();
            initialSettings = SettingsCodec.writableJson(fixture.daemon.settings());
            torrent = TestTorrents.multi("fuzz", List.of("a.bin", "dir/b.bin"),
                    List.of(DaemonRestTestData.bytes(20000, 1), DaemonRestTestData.bytes(5000, 2)), 16384);
        }
        return fixture;
    }

    @AfterAll
    static synchronized void close() {
        if (fixture != null) {
            fixture.close();
            fixture = null;
        }
    }

    @FuzzTest(maxDuration = "10s")
    void call(byte[] input) throws Exception {
        JsonValue parsed;
        try {
            parsed = JsonReader.parse(input, JsonLimits.WITH_TORRENT);
        } catch (JsonException expected) {
            return;
        }
        List<JsonObject> requests = new ArrayList<>();
        if (parsed instanceof JsonObject o) {
            requests.add(o);
        } else if (parsed instanceof JsonArray a) {
            for (JsonValue v : a.values()) {
                if (v instanceof JsonObject o && requests.size() < 4) {
                    requests.add(o);
                }
            }
        }
        if (requests.isEmpty() || requests.stream().anyMatch(TransmissionRpcFuzzTest::namesUrl)) {
            return;
        }
        Daemon daemon = fixture().daemon;
        daemon.add(new Daemon.AddSpec(torrent, null, fixture.downloads.toString(), true, 4, List.of(), false));
        TransmissionRpc rpc = new TransmissionRpc(daemon);
        try {
            for (JsonObject request : requests) {
                JsonObject answer = rpc.call(request);
                assertNotNull(answer.getString("result", null), () -> "no result for " + request + ": " + answer);
                assertEquals(answer, JsonReader.parse(JsonWriter.writeBytes(answer), JsonLimits.WITH_TORRENT));
            }
        } finally {
            reset(daemon);
        }
    }

    /** Anything that would make torrent-add fetch a URL (the only RPC path that leaves the machine). */
    private static boolean namesUrl(JsonObject request) {
        JsonObject args = request.get("arguments") instanceof JsonObject o ? o : JsonObject.EMPTY;
        return args.get("filename") instanceof JsonString s && TorrentSources.isUrl(s.value());
    }

    private static void reset(Daemon daemon) throws IOException {
        for (Daemon.Entry e : daemon.entries()) {
            daemon.remove(e, true);
        }
        daemon.applySettings(initialSettings);
    }
}

package io.hivemind.bt.storage.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fallocate through the FFM linker: available here, allocates, and reports errors as the JDK would. */
class NativeIoTest {
    @TempDir
    Path dir;

    @Test
    void availableOnLinuxWithNativeAccess() {
        assertTrue(NativeIo.available(), "native I/O unavailable: " + NativeIo.unavailableReason());
    }

    @Test
    void fallocateGrowsAndAllocates() throws Exception {
        Path f = Files.write(dir.resolve("f"), new byte[0]);
        int fd = NativeIo.open(f);
        try {
            NativeIo.fallocate(fd, 0, 1 << 20);
            NativeIo.fallocate(fd, 4096, 100); // already allocated: a cheap no-op
        } finally {
            NativeIo.close(fd);
        }
        assertEquals(1 << 20, Files.size(f));
    }

    @Test
    void errorsAreIoExceptionsWithTheJdkWording() {
        IOException e = assertThrows(IOException.class, () -> NativeIo.open(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
        IOException bad = assertThrows(IOException.class, () -> NativeIo.fallocate(-1, 0, 10));
        assertTrue(bad.getMessage().contains("errno 9"), bad.getMessage());
    }
}

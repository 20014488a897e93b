package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.EventSink;
import io.stockengine.engine.InventoryState;

/** Which snapshots a write keeps. */
class SnapshotStoreTest
{
    @TempDir
    Path dir;

    private static InventoryState stateAt(final long seq)
    {
        final InventoryState state = new InventoryState(new EngineConfig());
        state.symbol(seq, EventSink.SYMBOL_SKU, 0, "A");
        return state;
    }

    /**
     * A file named for a later seq than the engine has written (copied in, or garbage) neither counts toward the
     * snapshots kept nor is deleted: counted, it had every snapshot the engine wrote deleted as soon as it was
     * written, and a restart had none to start from (a tester).
     */
    @Test
    void shouldKeepTheNewestWrittenAndLeaveAFileNamedPastThemAlone() throws Exception
    {
        Files.createDirectories(dir);
        final Path stranger = dir.resolve("snapshot-00000000000099999999.bin");
        Files.write(stranger, new byte[5000]);
        final SnapshotStore store = new SnapshotStore(dir, 2);
        final Path five = store.write(stateAt(5), 1);
        final Path six = store.write(stateAt(6), 2);
        final Path seven = store.write(stateAt(7), 3);

        assertEquals(List.of(stranger, seven, six), store.list());
        assertEquals(false, Files.exists(five), "the oldest of the engine's own went");
        assertEquals(7, store.loadNewest(new EngineConfig(), line -> { }).lastSeq(), "the stranger is skipped");
    }
}

package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkFolderSpaceTest {
    @TempDir
    Path dir;

    @Test
    void aWorkFolderWithTheRoomAskedForMayClaim() {
        assertThat(new WorkFolderSpace(dir, 1).roomToClaim()).isTrue();
    }

    @Test
    void aWorkFolderWithLessRoomThanAskedForClaimsNothingUntilThereIsRoom() {
        WorkFolderSpace space = new WorkFolderSpace(dir, Long.MAX_VALUE);

        assertThat(space.roomToClaim()).isFalse();
        assertThat(space.roomToClaim()).isFalse();
    }

    @Test
    void zeroTurnsTheCheckOff() {
        assertThat(new WorkFolderSpace(dir.resolve("not-there"), 0).roomToClaim()).isTrue();
    }

    @Test
    void aWorkFolderWhoseSpaceCannotBeReadMayClaimTheWritesReportAFullDisk() {
        assertThat(new WorkFolderSpace(dir.resolve("not-there"), Long.MAX_VALUE).roomToClaim()).isTrue();
    }
}

package org.mpp.store;

import java.nio.ByteBuffer;
import java.util.UUID;

/** UUIDs as the seed stores them: BINARY(16), most significant bits first. */
public final class Uuids {
    private Uuids() {
    }

    public static byte[] bytes(UUID u) {
        return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
    }

    public static UUID uuid(byte[] b) {
        if (b == null) {
            return null;
        }
        ByteBuffer bb = ByteBuffer.wrap(b);
        return new UUID(bb.getLong(), bb.getLong());
    }

    /** 32 lower-case hex digits, as used for work-folder names. */
    public static String hex(UUID u) {
        return u.toString().replace("-", "");
    }
}

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

    /** The UUID a work-folder name ({@link #hex}) stands for; empty when the name is not 32 hex digits. */
    public static java.util.Optional<UUID> fromHex(String name) {
        if (name.length() != 32 || !name.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new UUID(Long.parseUnsignedLong(name.substring(0, 16), 16), Long.parseUnsignedLong(name.substring(16), 16)));
    }

    /** 32 lower-case hex digits, as used for work-folder names. */
    public static String hex(UUID u) {
        return u.toString().replace("-", "");
    }
}

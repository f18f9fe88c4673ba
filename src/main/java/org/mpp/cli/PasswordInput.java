package org.mpp.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a new password without it ever being a command-line argument (which other users see in {@code ps} and the
 * shell keeps in its history): from the terminal without echo, asked twice, or as the first line of standard input.
 */
final class PasswordInput {
    private PasswordInput() {
    }

    /** Why no password could be read; the message says what to do. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    /**
     * The password for {@code login}: the first line of standard input (without its line end) when {@code fromStdin},
     * else typed twice at the terminal.
     *
     * @throws Unavailable when there is no terminal, the two entries differ, or standard input is empty or not UTF-8
     */
    static char[] read(String login, boolean fromStdin) throws Unavailable {
        if (fromStdin) {
            return firstLine(System.in);
        }
        Console console = System.console();
        if (console == null) {
            throw new Unavailable("No terminal to ask for the password on: pipe it in with --password-stdin");
        }
        char[] first = console.readPassword("Password for %s: ", login);
        char[] again = console.readPassword("Again: ");
        if (first == null || again == null) {
            throw new Unavailable("No password entered");
        }
        boolean same = Arrays.equals(first, again);
        Arrays.fill(again, '\0');
        if (!same) {
            Arrays.fill(first, '\0');
            throw new Unavailable("The two passwords differ; nothing was changed");
        }
        return first;
    }

    static char[] firstLine(InputStream in) throws Unavailable {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                line.write(b);
            }
        } catch (IOException e) {
            throw new Unavailable("Cannot read the password from standard input: " + e.getMessage());
        }
        byte[] bytes = line.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        if (n == 0) {
            throw new Unavailable("Standard input held no password (--password-stdin reads its first line)");
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            Arrays.fill(chars.array(), '\0');
            return password;
        } catch (CharacterCodingException e) {
            throw new Unavailable("The password on standard input is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}

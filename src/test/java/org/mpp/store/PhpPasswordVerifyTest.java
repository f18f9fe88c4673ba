package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The hashes {@code mpp users} writes against PHP's own {@code password_verify} and {@code password_hash}, the
 * functions the seed's interface logs in with. Runs only where a {@code php} command is installed (Debian's php-cli);
 * {@link UserContract} checks the same against the hash printed in PHP's manual everywhere.
 */
class PhpPasswordVerifyTest {
    private static final String VERIFY = "exit(password_verify(getenv('MPP_PW'), getenv('MPP_HASH')) ? 0 : 3);";

    @Test
    void phpsPasswordVerifyAcceptsOurHashAndRefusesAWrongPassword() throws Exception {
        String php = phpOrSkip();
        String hash = UserStore.hash("Grüße, operator!".toCharArray());

        assertThat(php(php, VERIFY, "Grüße, operator!", hash).exit()).isZero();
        assertThat(php(php, VERIFY, "Grüsse, operator!", hash).exit()).isEqualTo(3);
    }

    @Test
    void aHashMadeByPhpsPasswordHashVerifiesHere() throws Exception {
        String php = phpOrSkip();
        Result made = php(php, "echo password_hash(getenv('MPP_PW'), PASSWORD_DEFAULT);", "Grüße, operator!", "");

        assertThat(made.out()).startsWith("$2y$");
        assertThat(UserStore.matches("Grüße, operator!".toCharArray(), made.out())).isTrue();
        assertThat(UserStore.matches("Grüsse, operator!".toCharArray(), made.out())).isFalse();
    }

    private record Result(int exit, String out) {
    }

    private static Result php(String php, String code, String password, String hash) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(php, "-r", code).redirectErrorStream(true);
        // Passed in the environment, not on the command line, as UTF-8 bytes the way PHP would receive a form field.
        pb.environment().put("MPP_PW", password);
        pb.environment().put("MPP_HASH", hash);
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("php finished").isTrue();
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    }

    private static String phpOrSkip() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path php = Path.of(dir, "php");
            if (Files.isExecutable(php)) {
                return php.toString();
            }
        }
        // CI installs php-cli (.ci/run): there a missing php is a broken setup, not a reason to skip.
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but no php command on the PATH: .ci/run installs php-cli");
        }
        assumeTrue(false, "no php command here (apt-get install php-cli to run this check)");
        return List.of().toString();
    }
}

package org.mpp.bench;

/**
 * One part of the benchmark (issue 5): measures something and adds its figures to the report. Sections run one after
 * another on a quiet machine; each cleans up what it started.
 */
interface Section {
    /** Short name used on the command line ({@code --only=e2e,claims}) and in the results file. */
    String id();

    /** Heading in the printed table. */
    String title();

    void run(BenchEnv env, Report report) throws Exception;
}

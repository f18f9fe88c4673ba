package org.mpp;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * MPP's logging, set up in code when nothing else configures logback: warnings and errors on stderr (stdout carries only
 * results: file names, JSON), one line each, their message's control characters escaped ({@link PrintableMessage}: log
 * lines quote file names that uploaders chose).
 *
 * <p>logback finds it as a service ({@code META-INF/services}) and asks it first. It steps aside, and logback reads the
 * file as usual, where {@code -Dlogback.configurationFile} names one or a {@code logback-test.xml} or {@code logback.xml}
 * is on the class path (an application that embeds MPP, a test). Set up in code, logback's start costs no XML parse: the
 * XML configuration MPP shipped before took 0.08 s of every cold {@code mpp} command (issue 13).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
    /** The time, the level, the thread, the logger's name shortened to about 20 characters, the escaped message. */
    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %safeMsg%n";
    /** Shows errors only: its one warning is that Connector/J reports MariaDB as MySQL 5.5.5, and MPP picks the dialect itself. */
    private static final String JOOQ = "org.jooq";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (configuredElsewhere(System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY), Thread.currentThread().getContextClassLoader())) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Whether logback should read a file instead: one named by {@code configFileProperty}, or one of its own names on the class path. */
    static boolean configuredElsewhere(String configFileProperty, ClassLoader loader) {
        ClassLoader l = loader != null ? loader : LogSetup.class.getClassLoader();
        return configFileProperty != null && !configFileProperty.isBlank()
                || l.getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null
                || l.getResource(ClassicConstants.AUTOCONFIG_FILE) != null;
    }

    /** Sends {@code context}'s WARN and above (jOOQ's ERROR) to stderr in MPP's format. */
    private static void apply(LoggerContext context) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("safeMsg", PrintableMessage::new);
        layout.setPattern(PATTERN);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(appender);
        context.getLogger(JOOQ).setLevel(Level.ERROR);
    }
}

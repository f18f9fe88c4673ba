package org.mpp.config;

import org.mpp.MppException;

/** A configuration file or override is wrong. The message names the key and where its value came from. */
public class ConfigurationException extends MppException {
    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}

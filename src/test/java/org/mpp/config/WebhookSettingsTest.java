package org.mpp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** mpp.webhooks and the watch folder's keys: defaults, checks, and secrets kept out of toString. */
class WebhookSettingsTest {
    private static Settings parse(String hocon) {
        return Settings.from(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve());
    }

    @Test
    void byDefaultThereIsNoEndpointNoSecretAndNoWatchFolder() {
        Settings s = parse("");
        assertThat(s.webhooks().endpoints()).isEmpty();
        assertThat(s.webhooks().callbackSecret()).isEmpty();
        assertThat(s.webhooks().retryFor()).isEqualTo(Duration.ofHours(24));
        assertThat(s.webhooks().requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.work().watch()).isFalse();
        assertThat(s.work().watchSettle()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void endpointsAreReadAndTheirSecretsAndQueriesNeverShowInToString() {
        Settings s = parse("""
                mpp.webhooks.endpoints = [{ url = "https://a.example.test/hook?key=q-secret", secret = "s3cret" }, { url = "http://b.example.test/" }]
                mpp.webhooks.callback-secret = "cb-s3cret"
                """);
        assertThat(s.webhooks().endpoints()).hasSize(2);
        assertThat(s.webhooks().endpoints().get(0).secret()).hasValue("s3cret");
        assertThat(s.webhooks().endpoints().get(1).secret()).isEmpty();
        assertThat(s.toString()).doesNotContain("s3cret", "cb-s3cret", "q-secret").contains("a.example.test/hook");
    }

    @Test
    void anEndpointThatIsNotHttpOrHttpsIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> parse("mpp.webhooks.endpoints = [{ url = \"ftp://a.example.test/\" }]"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("mpp.webhooks.endpoints[0].url").hasMessageContaining("http");
        assertThatThrownBy(() -> parse("mpp.webhooks.endpoints = [{ url = \"https://a.example.test/\", sekret = x }]"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("sekret");
        assertThatThrownBy(() -> WebhookUrls.check("/relative/path")).isInstanceOf(IllegalArgumentException.class);
        assertThat(WebhookUrls.forLog(java.net.URI.create("https://user:pw@h.example.test:8443/p?q=1#f"))).isEqualTo("https://h.example.test:8443/p");
    }
}

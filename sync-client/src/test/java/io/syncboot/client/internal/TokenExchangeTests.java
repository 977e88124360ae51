package io.syncboot.client.internal;

import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Where an API key is exchanged, derived from the sync server's URL. */
class TokenExchangeTests {

	@Test
	void theTokenEndpointIsBelowTheSyncPathOverHttpOrHttps() {
		assertThat(TokenExchange.endpoint(URI.create("ws://localhost:8080/sync")))
			.hasToString("http://localhost:8080/sync/auth/token");
		assertThat(TokenExchange.endpoint(URI.create("wss://sync.example.com/a/b/")))
			.hasToString("https://sync.example.com/a/b/auth/token");
		assertThat(TokenExchange.endpoint(URI.create("WSS://sync.example.com")))
			.hasToString("https://sync.example.com/auth/token");
	}

}

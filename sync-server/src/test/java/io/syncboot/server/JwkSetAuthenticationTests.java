package io.syncboot.server;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.SyncMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that verifies tokens with the keys of an identity provider's JWK set: RSA and EC keys,
 * the set fetched once and not again for every unknown key id, and an unreachable set answered as a
 * temporary failure (HTTP 503), never as an invalid token that would log the user out.
 */
class JwkSetAuthenticationTests {

	@TempDir
	Path dataDirectory;

	private final AtomicInteger fetches = new AtomicInteger();

	private HttpServer identityProvider;

	@AfterEach
	void stopIdentityProvider() {
		if (this.identityProvider != null) {
			this.identityProvider.stop(0);
		}
	}

	private URI serveKeys(JWKSet keys) throws Exception {
		this.identityProvider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		byte[] body = keys.toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
		this.identityProvider.createContext("/jwks", exchange -> {
			this.fetches.incrementAndGet();
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.identityProvider.start();
		return URI.create("http://127.0.0.1:" + this.identityProvider.getAddress().getPort() + "/jwks");
	}

	private SyncServer server(URI jwkSetUri) {
		return SyncServer.builder().port(0).dataDirectory(this.dataDirectory).jwkSetUri(jwkSetUri)
			.issuer(Tokens.ISSUER).build().start();
	}

	@Test
	void tokensSignedWithRsaOrEcKeysOfTheSetAreAccepted() throws Exception {
		RSAKey rsa = new RSAKeyGenerator(2048).keyID("r1").generate();
		ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
		try (SyncServer server = server(serveKeys(new JWKSet(List.of(rsa, ec))))) {
			SignedJWT es256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("e1").build(),
					Tokens.claims("erin").build());
			es256.sign(new ECDSASigner(ec));
			String rs256 = Tokens.sign(Tokens.claims("rita").build(), JWSAlgorithm.RS256, new RSASSASigner(rsa));
			for (String token : new String[] { es256.serialize(), rs256 }) {
				try (RawSyncClient client = new RawSyncClient(server.url(), token)) {
					client.send(new SyncMessage.Ping(1));
					assertThat(client.expect(SyncMessage.Pong.class).timestamp()).isEqualTo(1);
				}
			}
			assertThat(this.fetches).as("the set is fetched once").hasValue(1);
		}
	}

	@Test
	void forgedKeyIdsDoNotFetchTheSetForEveryHandshake() throws Exception {
		RSAKey rsa = new RSAKeyGenerator(2048).keyID("r1").generate();
		try (SyncServer server = server(serveKeys(new JWKSet(rsa)))) {
			Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
			for (int i = 0; i < 30; i++) {
				String forged = base64.encodeToString(("{\"alg\":\"RS256\",\"kid\":\"x" + i + "\"}")
					.getBytes(StandardCharsets.UTF_8)) + "."
						+ base64.encodeToString("{\"sub\":\"mallory\"}".getBytes(StandardCharsets.UTF_8)) + ".AAAA";
				assertThat(RawSyncClient.refusedHandshake(server.url(), forged).statusCode()).as("forged %d", i)
					.isEqualTo(401);
			}
			assertThat(this.fetches.get()).as("JWK set downloads for 30 forged handshakes").isLessThanOrEqualTo(2);
			// signed, but with a key the set does not hold (another tenant's, or one removed): invalid
			SignedJWT removed = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("removed").build(),
					Tokens.claims("alice").build());
			removed.sign(new RSASSASigner(new RSAKeyGenerator(2048).keyID("removed").generate()));
			HttpResponse<?> refused = RawSyncClient.refusedHandshake(server.url(), removed.serialize());
			assertThat(refused.statusCode()).isEqualTo(401);
			assertThat(refused.headers().firstValue("SyncBoot-Error-Code"))
				.hasValue(Integer.toString(ErrorCode.INVALID_TOKEN.number()));
		}
	}

	@Test
	void anUnreachableKeySetIsATemporaryFailureThatNamesNoInternalAddress() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		RSAKey rsa = new RSAKeyGenerator(2048).keyID("r1").generate();
		String token = Tokens.sign(Tokens.claims("alice").build(), JWSAlgorithm.RS256, new RSASSASigner(rsa));
		try (SyncServer server = server(URI.create("http://127.0.0.1:" + port + "/internal/jwks"))) {
			HttpResponse<?> response = RawSyncClient.refusedHandshake(server.url(), token);
			assertThat(response.statusCode()).as("not 401: the token may be valid").isEqualTo(503);
			assertThat(response.headers().firstValue("SyncBoot-Error-Code"))
				.hasValue(Integer.toString(ErrorCode.INTERNAL_ERROR.number()));
			assertThat(response.headers().firstValue("Retry-After")).isPresent();
			assertThat(response.headers().map().toString()).doesNotContain("127.0.0.1", "internal");
		}
	}

}

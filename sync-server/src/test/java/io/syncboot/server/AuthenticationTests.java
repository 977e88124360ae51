package io.syncboot.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.syncboot.core.protocol.ErrorCode;
import io.syncboot.core.protocol.SyncMessage;
import io.syncboot.core.protocol.SyncProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket handshake requires a valid bearer token: every kind of bad token is refused with
 * HTTP 401 before anything reaches the store; API keys are exchanged for tokens; a token that
 * expires while connected ends the connection with error 230 and close code 4001.
 */
class AuthenticationTests {

	@TempDir
	static Path dataDirectory;

	static SyncServer server;

	private final JsonMapper json = JsonMapper.builder().build();

	@BeforeAll
	static void startServer() {
		server = SyncServer.builder()
			.port(0)
			.dataDirectory(dataDirectory)
			.hmacSecret(Tokens.SECRET)
			.issuer(Tokens.ISSUER)
			.apiKey("key-alice", "alice")
			.tokenTtl(Duration.ofMinutes(2))
			.permissions(SyncPermissions.builder().readWrite("user-${sub}").readWrite("shared").build())
			.build()
			.start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	static Stream<Arguments> refusedTokens() {
		Instant now = Instant.now();
		String big = "x".repeat(9 * 1024);
		return Stream.of(
				Arguments.of("no token", null, ErrorCode.INVALID_TOKEN),
				Arguments.of("malformed", "not-a-jwt", ErrorCode.INVALID_TOKEN),
				Arguments.of("three garbage parts", "abc.def.ghi", ErrorCode.INVALID_TOKEN),
				Arguments.of("alg none", Tokens.unsigned("alice"), ErrorCode.INVALID_TOKEN),
				Arguments.of("wrong signature", Tokens.hs256(Tokens.claims("alice").build(),
						"another-secret-that-is-also-long-enough!"), ErrorCode.INVALID_TOKEN),
				Arguments.of("wrong issuer", Tokens.hs256(Tokens.claims("alice").issuer("https://evil.test").build(),
						Tokens.SECRET), ErrorCode.INVALID_TOKEN),
				Arguments.of("no issuer", Tokens.hs256(Tokens.claims("alice").issuer(null).build(), Tokens.SECRET),
						ErrorCode.INVALID_TOKEN),
				Arguments.of("expired", Tokens.hs256(Tokens.claims("alice")
					.issueTime(Date.from(now.minus(Duration.ofMinutes(10))))
					.expirationTime(Date.from(now.minus(Duration.ofMinutes(5)))).build(), Tokens.SECRET),
						ErrorCode.TOKEN_EXPIRED),
				Arguments.of("expired within the clock skew", Tokens.hs256(Tokens.claims("alice")
					.issueTime(Date.from(now.minus(Duration.ofMinutes(10))))
					.expirationTime(Date.from(now.minusSeconds(5))).build(), Tokens.SECRET), ErrorCode.TOKEN_EXPIRED),
				Arguments.of("no expiry", Tokens.hs256(Tokens.claims("alice").expirationTime(null).build(), Tokens.SECRET),
						ErrorCode.INVALID_TOKEN),
				Arguments.of("not yet valid", Tokens.hs256(Tokens.claims("alice")
					.notBeforeTime(Date.from(now.plus(Duration.ofMinutes(5)))).build(), Tokens.SECRET),
						ErrorCode.INVALID_TOKEN),
				Arguments.of("a subject longer than 512 characters",
						Tokens.hs256(Tokens.claims("a".repeat(513)).build(), Tokens.SECRET), ErrorCode.INVALID_TOKEN),
				Arguments.of("no subject", Tokens.hs256(Tokens.claims("alice").subject(null).build(), Tokens.SECRET),
						ErrorCode.INVALID_TOKEN),
				Arguments.of("oversized", Tokens.valid("alice", Map.of("padding", big)), ErrorCode.INVALID_TOKEN));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("refusedTokens")
	void badTokensAreRefusedWith401AndWriteNothing(String name, String token, ErrorCode code) {
		StoreRows before = StoreRows.of(dataDirectory);
		HttpResponse<?> response = RawSyncClient.refusedHandshake(server.url(), token);
		assertThat(response.statusCode()).as(name).isEqualTo(401);
		assertThat(response.headers().firstValue("SyncBoot-Error-Code")).as(name + " " + response.headers().firstValue("WWW-Authenticate")).hasValue(Integer.toString(code.number()));
		assertThat(response.headers().firstValue("WWW-Authenticate")).as(name).hasValueSatisfying(challenge -> {
			assertThat(challenge).startsWith("Bearer");
			if (token != null) {
				assertThat(challenge).contains("error=\"invalid_token\"");
			}
		});
		assertThat(StoreRows.of(dataDirectory)).as(name).isEqualTo(before);
	}

	@Test
	void aValidTokenBindsAndSyncs() {
		try (RawSyncClient client = new RawSyncClient(server.url(), Tokens.valid("alice"))) {
			client.bindNew(1, "user-alice");
			assertThat(client.expect(SyncMessage.Download.class).session()).isEqualTo(1);
		}
	}

	@Test
	void anotherUsersClientFileIsRefusedEvenWithItsSalt() {
		RawSyncClient.Identity alices;
		try (RawSyncClient alice = new RawSyncClient(server.url(), Tokens.valid("alice"))) {
			alices = alice.bindNew(1, "shared");
			alice.expect(SyncMessage.Download.class);
		}
		try (RawSyncClient bob = new RawSyncClient(server.url(), Tokens.valid("bob"))) {
			bob.send(new SyncMessage.Bind(1, "shared", false));
			bob.send(new SyncMessage.Ident(1, alices.fileId(), alices.fileSalt(), 0, 0, alices.serverSalt()));
			assertThat(bob.expect(SyncMessage.Error.class).code()).isEqualTo(ErrorCode.BAD_CLIENT_FILE_ID);
		}
		try (RawSyncClient alice = new RawSyncClient(server.url(), Tokens.valid("alice"))) {
			alice.send(new SyncMessage.Bind(1, "shared", false));
			alice.send(new SyncMessage.Ident(1, alices.fileId(), alices.fileSalt(), 0, 0, alices.serverSalt()));
			assertThat(alice.expect(SyncMessage.Download.class).session()).isEqualTo(1);
		}
	}

	@Test
	void accessTokensTypedAtJwtAsRfc9068SaysAreAcceptedAndOtherTypesRefused() throws Exception {
		for (String type : new String[] { "at+jwt", "application/at+jwt", "JWT" }) {
			SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType(type))
				.build(), Tokens.claims("alice").build());
			token.sign(Tokens.macSigner(Tokens.SECRET));
			try (RawSyncClient client = new RawSyncClient(server.url(), token.serialize())) {
				client.bindNew(1, "user-alice");
				assertThat(client.expect(SyncMessage.Download.class).session()).as(type).isEqualTo(1);
			}
		}
		SignedJWT other = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("secevent+jwt"))
			.build(), Tokens.claims("alice").build());
		other.sign(Tokens.macSigner(Tokens.SECRET));
		assertThat(RawSyncClient.refusedHandshake(server.url(), other.serialize()).statusCode())
			.as("a token of another type is no access token").isEqualTo(401);
	}

	@Test
	void theTokenMayComeAsAQueryParameter() {
		URI url = URI.create(server.url() + "?access_token=" + Tokens.valid("alice"));
		try (RawSyncClient client = new RawSyncClient(url, null)) {
			client.bindNew(1, "user-alice");
			assertThat(client.expect(SyncMessage.Download.class).session()).isEqualTo(1);
		}
		URI forged = URI.create(server.url() + "?access_token=" + Tokens.unsigned("alice"));
		assertThat(RawSyncClient.refusedHandshake(forged, null).statusCode()).isEqualTo(401);
	}

	@Test
	void anApiKeyIsExchangedForATokenThatBindsAsItsUser() throws Exception {
		HttpResponse<String> response = post(HttpRequest.BodyPublishers.ofString("{\"apiKey\":\"key-alice\"}"), null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
		JsonNode body = this.json.readTree(response.body());
		assertThat(body.get("tokenType").asString()).isEqualTo("Bearer");
		assertThat(body.get("expiresIn").asLong()).isEqualTo(120);
		String token = body.get("accessToken").asString();
		try (RawSyncClient client = new RawSyncClient(server.url(), token)) {
			client.bindNew(1, "user-alice");
			client.expect(SyncMessage.Download.class);
			client.send(new SyncMessage.Bind(2, "user-bob", true));
			SyncMessage.Error error = client.expect(SyncMessage.Error.class);
			assertThat(error.code()).as("the token's subject is alice").isEqualTo(ErrorCode.PERMISSION_DENIED);
		}
		HttpResponse<String> byHeader = post(HttpRequest.BodyPublishers.noBody(), "key-alice");
		assertThat(byHeader.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(byHeader.body()).get("accessToken").asString()).isNotEqualTo(token);
	}

	@Test
	void aWrongApiKeyGets401AndOtherMethods405() throws Exception {
		assertThat(post(HttpRequest.BodyPublishers.ofString("{\"apiKey\":\"key-mallory\"}"), null).statusCode())
			.isEqualTo(401);
		assertThat(post(HttpRequest.BodyPublishers.ofString("{}"), null).statusCode()).isEqualTo(401);
		assertThat(post(HttpRequest.BodyPublishers.ofString("not json"), null).statusCode()).isEqualTo(401);
		assertThat(post(HttpRequest.BodyPublishers.noBody(), "key-alicE").statusCode()).isEqualTo(401);
		HttpResponse<String> get = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(server.tokenUrl()).GET().build(), HttpResponse.BodyHandlers.ofString());
		assertThat(get.statusCode()).isEqualTo(405);
	}

	@Test
	void aTokenThatExpiresWhileConnectedEndsTheConnectionWith230And4001() {
		Instant expiry = Instant.now().plusSeconds(3);
		JWTClaimsSet claims = Tokens.claims("alice").expirationTime(Date.from(expiry)).build();
		try (RawSyncClient client = new RawSyncClient(server.url(), Tokens.hs256(claims, Tokens.SECRET))) {
			client.bindNew(1, "user-alice");
			client.expect(SyncMessage.Download.class);
			SyncMessage.Error error = client.expect(SyncMessage.Error.class);
			assertThat(Instant.now()).isAfterOrEqualTo(expiry.minusMillis(1000));
			assertThat(error.session()).isZero();
			assertThat(error.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
			assertThat(error.tryAgain()).isTrue();
			assertThat(client.awaitCloseCode()).isEqualTo(SyncProtocol.CLOSE_TOKEN_EXPIRED);
		}
	}

	private HttpResponse<String> post(HttpRequest.BodyPublisher body, String apiKeyHeader) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(server.tokenUrl())
			.header("Content-Type", "application/json")
			.POST(body);
		if (apiKeyHeader != null) {
			request.header("X-Api-Key", apiKeyHeader);
		}
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}

package io.syncboot.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.syncboot.server.internal.auth.JwtSupport;
import io.syncboot.server.internal.concurrent.NamedThreadFactory;
import io.syncboot.server.internal.embedded.ConnectionBuffers;

/**
 * Runs a {@link SyncServer} standalone until the process is terminated (SIGTERM or Ctrl-C close it
 * cleanly). Arguments:
 * <ul>
 * <li>{@code --port=N} (default 8080, 0 for a free port), {@code --data-directory=DIR} (default
 * {@code ./server-data});</li>
 * <li>{@code --hmac-secret=SECRET} (at least 32 bytes; or the environment variable
 * {@value #SECRET_VARIABLE}, which keeps it out of the process list and is ignored when a
 * secret, public key or JWK set URI is given as an argument), or instead
 * {@code --public-key=FILE} (a PEM X.509 RSA public key or certificate: RS256 tokens) or
 * {@code --jwk-set-uri=URI} (the identity provider's keys, fetched and cached); {@code --issuer=ISS},
 * {@code --audience=AUD} (required of every token's {@code aud}),
 * {@code --api-key=KEY:USER} (repeatable; needs the HMAC secret, which signs the tokens it hands out),
 * {@code --api-key-file=FILE} (one {@code KEY:USER} a line, {@code #} comments; keeps the keys out of
 * the process list),
 * {@code --token-ttl=SECONDS} (default 900);</li>
 * <li>{@code --read-write=PATTERN} and {@code --read=PATTERN} (repeatable; partition patterns with
 * {@code ${sub}} and {@code *}; without any, every user may read and write everything, and a warning
 * says so on standard error);</li>
 * <li>{@code --allow-anonymous}: accept connections without a token (development only);</li>
 * <li>{@code --jdbc-url=jdbc:postgresql://HOST:5432/DB}, {@code --jdbc-user=USER},
 * {@code --jdbc-password=PASSWORD} (or the environment variable {@value #JDBC_PASSWORD_VARIABLE}):
 * keep the history on PostgreSQL instead of the data directory, so that several servers share it;</li>
 * <li>{@code --history-retention=SECONDS} (default: forever) and {@code --compaction-interval=SECONDS}
 * (default 60): remove older history; clients behind it reset;</li>
 * <li>{@code --max-connections=N} (default 20,000): the most connections open at once.</li>
 * </ul>
 * The process holds the server alone, so it also sizes Tomcat's WebSocket frame buffers to 1 KiB
 * ({@link ConnectionBuffers#defaultFrameBufferSize()}; a {@code -D} flag on the command line takes
 * precedence). Without a secret, a public key, a JWK set URI or {@code --allow-anonymous} it refuses
 * to start. Prints
 * {@code SyncBoot server listening on ws://localhost:PORT/sync} on standard output once listening,
 * after the warnings on standard error ({@code --allow-anonymous}, no permission rules; they are
 * logged too, but the module ships no logging binding). Exits with status 2 on bad arguments, naming
 * an unknown argument without its value, and 1 if the server cannot start.
 */
public final class SyncServerMain {

	/** The environment variable that may hold the HMAC secret. */
	public static final String SECRET_VARIABLE = "SYNCBOOT_SERVER_HMAC_SECRET";

	/** The environment variable that may hold the PostgreSQL password. */
	public static final String JDBC_PASSWORD_VARIABLE = "SYNCBOOT_SERVER_JDBC_PASSWORD";

	private static final String USAGE = """
			usage: SyncServerMain [--port=N] [--data-directory=DIR]
			                      (--hmac-secret=SECRET | --public-key=FILE | --jwk-set-uri=URI
			                       | --allow-anonymous) [--issuer=ISS] [--audience=AUD]
			                      [--api-key=KEY:USER]... [--api-key-file=FILE] [--token-ttl=SECONDS]
			                      [--read-write=PATTERN]... [--read=PATTERN]...
			                      [--jdbc-url=jdbc:postgresql://HOST:PORT/DB [--jdbc-user=USER] [--jdbc-password=PW]]
			                      [--history-retention=SECONDS] [--compaction-interval=SECONDS]
			                      [--max-connections=N]""";

	private SyncServerMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		ConnectionBuffers.defaultFrameBufferSize();
		SyncServer.Builder builder = SyncServer.builder().port(8080);
		Path dataDirectory = null;
		String jdbcUrl = null;
		String jdbcUser = null;
		String jdbcPassword = null;
		SyncPermissions.Builder permissions = null;
		boolean anonymous = false;
		boolean verifier = false; // a secret, key or key set: from an argument, or the secret from the environment
		for (int index = 0; index < args.length; index++) {
			String arg = args[index];
			try {
				if (arg.startsWith("--port=")) {
					builder.port(Integer.parseInt(value(arg)));
				}
				else if (arg.startsWith("--data-directory=")) {
					dataDirectory = Path.of(value(arg));
				}
				else if (arg.startsWith("--jdbc-url=")) {
					jdbcUrl = value(arg);
					if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
						throw new IllegalArgumentException("only PostgreSQL is supported: jdbc:postgresql://HOST:PORT/DB");
					}
				}
				else if (arg.startsWith("--jdbc-user=")) {
					jdbcUser = value(arg);
				}
				else if (arg.startsWith("--jdbc-password=")) {
					jdbcPassword = value(arg);
				}
				else if (arg.startsWith("--history-retention=")) {
					builder.historyRetention(Duration.ofSeconds(Long.parseLong(value(arg))));
				}
				else if (arg.startsWith("--compaction-interval=")) {
					builder.compactionInterval(Duration.ofSeconds(Long.parseLong(value(arg))));
				}
				else if (arg.startsWith("--max-connections=")) {
					builder.maxConnections(Integer.parseInt(value(arg)));
				}
				else if (arg.startsWith("--hmac-secret=")) {
					builder.hmacSecret(value(arg));
					verifier = true;
				}
				else if (arg.startsWith("--public-key=")) {
					builder.rsaPublicKey(JwtSupport.readRsaPublicKey(Path.of(value(arg))));
					verifier = true;
				}
				else if (arg.startsWith("--jwk-set-uri=")) {
					builder.jwkSetUri(URI.create(value(arg)));
					verifier = true;
				}
				else if (arg.startsWith("--issuer=")) {
					builder.issuer(value(arg));
				}
				else if (arg.startsWith("--audience=")) {
					builder.audience(value(arg));
				}
				else if (arg.startsWith("--api-key=")) {
					apiKey(builder, value(arg), "use --api-key=KEY:USER");
				}
				else if (arg.startsWith("--api-key-file=")) {
					Path file = Path.of(value(arg));
					List<String> lines;
					try {
						lines = Files.readAllLines(file, StandardCharsets.UTF_8);
					}
					catch (IOException | UncheckedIOException ex) {
						throw new IllegalArgumentException("cannot read " + file + ": " + ex.getMessage());
					}
					for (int line = 0; line < lines.size(); line++) {
						String entry = lines.get(line).strip();
						if (!entry.isEmpty() && !entry.startsWith("#")) {
							apiKey(builder, entry, "line " + (line + 1) + " of " + file + " is not KEY:USER");
						}
					}
				}
				else if (arg.startsWith("--token-ttl=")) {
					builder.tokenTtl(Duration.ofSeconds(Long.parseLong(value(arg))));
				}
				else if (arg.startsWith("--read-write=")) {
					permissions = (permissions != null) ? permissions : SyncPermissions.builder();
					permissions.readWrite(value(arg));
				}
				else if (arg.startsWith("--read=")) {
					permissions = (permissions != null) ? permissions : SyncPermissions.builder();
					permissions.read(value(arg));
				}
				else if (arg.equals("--allow-anonymous")) {
					builder.allowAnonymous();
					anonymous = true;
				}
				else if (arg.equals("--help") || arg.equals("-h")) {
					System.out.println(USAGE);
					return;
				}
				else {
					exit(2, unknown(arg, index) + "\n" + USAGE);
				}
			}
			catch (RuntimeException ex) {
				exit(2, "invalid argument '" + redact(arg) + "': " + ex.getMessage() + "\n" + USAGE);
			}
		}
		String fromEnvironment = System.getenv(SECRET_VARIABLE);
		if (!verifier && fromEnvironment != null && !fromEnvironment.isEmpty()) {
			try {
				builder.hmacSecret(fromEnvironment);
				verifier = true;
			}
			catch (IllegalArgumentException ex) {
				exit(2, SECRET_VARIABLE + " is not usable: " + ex.getMessage());
			}
		}
		if (permissions != null) {
			builder.permissions(permissions.build());
		}
		if (jdbcUrl != null) {
			if (dataDirectory != null) {
				exit(2, "use either --data-directory or --jdbc-url, not both\n" + USAGE);
			}
			String passwordFromEnvironment = System.getenv(JDBC_PASSWORD_VARIABLE);
			if (jdbcPassword == null && passwordFromEnvironment != null) {
				jdbcPassword = passwordFromEnvironment;
			}
			builder.jdbcUrl(jdbcUrl, jdbcUser, jdbcPassword);
		}
		else {
			builder.dataDirectory((dataDirectory != null) ? dataDirectory : Path.of("server-data"));
		}
		SyncServer server;
		try {
			server = builder.build();
		}
		catch (IllegalStateException ex) {
			String hint = String.valueOf(ex.getMessage()).startsWith("authentication is not configured")
					? "\nPass --hmac-secret=SECRET (at least 32 bytes, or set " + SECRET_VARIABLE
							+ "), --public-key=FILE or --jwk-set-uri=URI (with --issuer=ISS), or --allow-anonymous for "
							+ "development only."
					: "";
			exit(2, "SyncBoot server not started: " + ex.getMessage() + hint + "\n" + USAGE);
			return;
		}
		try {
			server.start();
		}
		catch (RuntimeException ex) {
			exit(1, "SyncBoot server failed to start: " + ex.getMessage());
			return;
		}
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new NamedThreadFactory("shutdown").newThread(() -> {
			server.close();
			stopped.countDown();
		}));
		if (anonymous) {
			System.err.println("WARNING: SyncBoot server accepts connections WITHOUT authentication (development only)");
		}
		if (verifier && permissions == null) {
			System.err.println("WARNING: SyncBoot server has no permission rules: every authenticated user may read "
					+ "and write every partition (restrict them with --read-write=PATTERN and --read=PATTERN)");
		}
		System.out.println("SyncBoot server listening on " + server.url());
		System.out.flush();
		stopped.await();
	}

	private static String value(String arg) {
		return arg.substring(arg.indexOf('=') + 1);
	}

	/**
	 * Names an unknown argument without its value, which may be a secret under a mistyped flag (as
	 * in {@code --hmac_secret=...}) or passed without one.
	 */
	private static String unknown(String arg, int index) {
		if (!arg.startsWith("-")) {
			return "argument " + (index + 1) + " is not a --name=value flag (its text is not shown)";
		}
		int equals = arg.indexOf('=');
		return (equals < 0) ? "unknown argument '" + arg + "'"
				: "unknown argument '" + arg.substring(0, equals) + "' (its value is not shown)";
	}

	private static String redact(String arg) {
		return (arg.startsWith("--hmac-secret=") || arg.startsWith("--api-key=")
				|| arg.startsWith("--jdbc-password=")) ? arg.substring(0, arg.indexOf('=') + 1)
				+ "***" : arg;
	}

	/** Adds the API key of a {@code KEY:USER} entry. */
	private static void apiKey(SyncServer.Builder builder, String entry, String usage) {
		int colon = entry.indexOf(':');
		if (colon < 1 || colon == entry.length() - 1) {
			throw new IllegalArgumentException(usage);
		}
		builder.apiKey(entry.substring(0, colon), entry.substring(colon + 1));
	}

	private static void exit(int status, String message) {
		System.err.println(message);
		System.exit(status);
	}

}

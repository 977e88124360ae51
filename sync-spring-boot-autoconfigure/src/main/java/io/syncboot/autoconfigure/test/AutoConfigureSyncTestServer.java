package io.syncboot.autoconfigure.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.test.context.ContextCustomizerFactories;

/**
 * Starts an in-JVM sync server on a free port for a Spring test and points {@code sync.server-url}
 * at it. The server accepts anonymous clients, keeps its data in a temporary directory, is
 * available as a {@link io.syncboot.server.SyncServer} bean named {@code syncTestServer}, and
 * stops (its directory deleted) when the test's application context closes, after the
 * application's sync sessions stopped.
 *
 * <pre class="code">
 * &#64;SpringBootTest(properties = "sync.sessions.orders.partition=orders")
 * &#64;AutoConfigureSyncTestServer
 * class OrderSyncTests {
 *
 *     &#64;Autowired
 *     &#64;Qualifier("orders")
 *     SyncSession orders;
 *
 *     &#64;Test
 *     void uploads() { ... }
 * }
 * </pre>
 *
 * The server accepts anonymous clients; {@link #apiKeys()} adds API keys for an application that
 * logs in with {@code sync.auth.api-key}. Needs {@code io.syncboot:sync-server} on the test class
 * path.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ContextCustomizerFactories(SyncTestServerContextCustomizerFactory.class)
public @interface AutoConfigureSyncTestServer {

	/**
	 * API keys the server exchanges for tokens, each {@code "key=userId"} (for example
	 * {@code "test-key=alice"}, with {@code sync.auth.api-key=test-key}); the server then signs its
	 * tokens with a random secret. A malformed entry fails the test's context.
	 * @return the keys, none by default
	 */
	String[] apiKeys() default {};

}

/**
 * A fault-injection TCP proxy for tests of every module: drop, black-hole, delay and cut
 * connections between a client and a server.
 */
@NullMarked
package io.syncboot.test.proxy;

import org.jspecify.annotations.NullMarked;

/**
 * An embedded PostgreSQL server for the tests of every module that run on PostgreSQL.
 */
@NullMarked
package io.syncboot.test.postgres;

import org.jspecify.annotations.NullMarked;

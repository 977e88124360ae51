/**
 * The JDBC implementation of the history store, with one dialect per database (SQLite embedded by default).
 */
@NullMarked
package io.syncboot.server.store.jdbc;

import org.jspecify.annotations.NullMarked;

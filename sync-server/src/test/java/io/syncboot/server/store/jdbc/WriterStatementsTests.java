package io.syncboot.server.store.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link WriterStatements} on a real SQLite file, in transactions as the store runs them.
 */
class WriterStatementsTests {

	private static final String INSERT_SQL = "INSERT INTO t (id, v) VALUES (?, ?)";

	@TempDir
	Path directory;

	private SingleConnectionDataSource dataSource;

	private JdbcTemplate jdbc;

	private TransactionTemplate transactions;

	@BeforeEach
	void open() throws Exception {
		SQLiteConfig config = new SQLiteConfig();
		config.setJournalMode(SQLiteConfig.JournalMode.WAL);
		config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
		config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + this.directory.resolve("w.db"),
				config.toProperties());
		this.dataSource = new SingleConnectionDataSource(connection, true);
		this.jdbc = new JdbcTemplate(this.dataSource);
		this.jdbc.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
	}

	@AfterEach
	void close() {
		this.dataSource.destroy();
	}

	@Test
	void reusesEachStatementAcrossTransactionsOnOneConnection() {
		List<PreparedStatement> used = new ArrayList<>();
		try (WriterStatements statements = new WriterStatements(this.jdbc, true)) {
			for (int i = 1; i <= 3; i++) {
				long id = i;
				this.transactions.executeWithoutResult(status -> insert(statements, id, "v" + id, used));
			}
			assertThat(used).hasSize(3).allSatisfy(statement -> assertThat(statement).isSameAs(used.get(0)));
			assertThat(statements.query("SELECT v FROM t ORDER BY id", statement -> {
			}, rs -> rs.getString(1))).containsExactly("v1", "v2", "v3");
		}
		assertThat(used.get(0)).satisfies(statement -> assertThat(statement.isClosed()).isTrue());
	}

	@Test
	void preparesAndClosesEachStatementWithoutTheCache() throws Exception {
		List<PreparedStatement> used = new ArrayList<>();
		try (WriterStatements statements = new WriterStatements(this.jdbc, false)) {
			this.transactions.executeWithoutResult(status -> insert(statements, 1, "a", used));
			this.transactions.executeWithoutResult(status -> insert(statements, 2, "b", used));
		}
		assertThat(used.get(0)).isNotSameAs(used.get(1));
		assertThat(used.get(0).isClosed()).isTrue();
		assertThat(used.get(1).isClosed()).isTrue();
	}

	@Test
	void dropsAFailedStatementAndLeavesTheRolledBackTransactionHarmless() throws Exception {
		List<PreparedStatement> used = new ArrayList<>();
		try (WriterStatements statements = new WriterStatements(this.jdbc, true)) {
			this.transactions.executeWithoutResult(status -> insert(statements, 1, "a", used));
			assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> this.transactions
				.executeWithoutResult(status -> {
					insert(statements, 2, "b", used);
					insert(statements, 1, "duplicate", used);
				}));
			assertThat(used.get(2).isClosed()).isTrue();
			this.transactions.executeWithoutResult(status -> insert(statements, 3, "c", used));
			assertThat(used.get(3)).isNotSameAs(used.get(2));
			assertThat(statements.query("SELECT id, v FROM t ORDER BY id", statement -> {
			}, rs -> rs.getLong(1) + "=" + rs.getString(2))).containsExactly("1=a", "3=c");
		}
	}

	@Test
	void keepsAtMostTheLimitOfStatements() throws Exception {
		List<PreparedStatement> first = new ArrayList<>();
		try (WriterStatements statements = new WriterStatements(this.jdbc, true)) {
			for (int n = 0; n <= WriterStatements.MAX_CACHED; n++) {
				String sql = "SELECT " + n + " + ?";
				long value = statements.execute(sql, statement -> {
					if (first.isEmpty()) {
						first.add(statement);
					}
					statement.setLong(1, 1);
					try (var rs = statement.executeQuery()) {
						rs.next();
						return rs.getLong(1);
					}
				});
				assertThat(value).isEqualTo(n + 1);
			}
			assertThat(first.get(0).isClosed()).isTrue();
		}
	}

	private static void insert(WriterStatements statements, long id, String value, List<PreparedStatement> used) {
		statements.update(INSERT_SQL, statement -> {
			used.add(statement);
			statement.setLong(1, id);
			statement.setString(2, value);
		});
	}

}

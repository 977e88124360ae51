package io.syncboot.server.store.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * A small fixed-size pool of read connections over a connection factory, for the embedded SQLite
 * store (which needs no general-purpose pool). {@link #getConnection()} waits up to 30 seconds for a
 * free connection; closing a borrowed connection returns it. Thread-safe.
 */
final class ReadConnectionPool extends AbstractDataSource implements AutoCloseable {

	private static final long BORROW_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

	private final DataSource factory;

	private final int size;

	private final ArrayDeque<Connection> idle = new ArrayDeque<>(); // guarded by this

	private final List<Connection> all = new ArrayList<>(); // guarded by this

	private boolean closed; // guarded by this

	ReadConnectionPool(DataSource factory, int size) {
		if (size < 1) {
			throw new IllegalArgumentException("pool size must be >= 1, was " + size);
		}
		this.factory = factory;
		this.size = size;
	}

	@Override
	public Connection getConnection() throws SQLException {
		Connection target = borrow();
		return (Connection) Proxy.newProxyInstance(ReadConnectionPool.class.getClassLoader(),
				new Class<?>[] { Connection.class }, new Borrowed(target));
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLException("this pool has fixed credentials");
	}

	private synchronized Connection borrow() throws SQLException {
		long deadline = System.nanoTime() + BORROW_TIMEOUT_NANOS;
		while (true) {
			if (this.closed) {
				throw new SQLException("the read connection pool is closed");
			}
			Connection connection = this.idle.poll();
			if (connection != null) {
				return connection;
			}
			if (this.all.size() < this.size) {
				Connection created = this.factory.getConnection();
				this.all.add(created);
				return created;
			}
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				throw new SQLTimeoutException("no read connection free within 30 s");
			}
			try {
				TimeUnit.NANOSECONDS.timedWait(this, left);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new SQLException("interrupted while waiting for a read connection", ex);
			}
		}
	}

	private synchronized void giveBack(Connection connection) {
		try {
			if (!connection.getAutoCommit()) {
				connection.rollback();
				connection.setAutoCommit(true);
			}
		}
		catch (SQLException ex) {
			discard(connection);
			notifyAll();
			return;
		}
		if (this.closed) {
			discard(connection);
		}
		else {
			this.idle.push(connection);
		}
		notifyAll();
	}

	private void discard(Connection connection) {
		this.all.remove(connection);
		try {
			connection.close();
		}
		catch (SQLException ex) {
			// already unusable
		}
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		while (!this.idle.isEmpty()) {
			discard(this.idle.poll());
		}
		notifyAll();
	}

	private final class Borrowed implements InvocationHandler {

		private final Connection target;

		private boolean returned;

		Borrowed(Connection target) {
			this.target = target;
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			switch (method.getName()) {
				case "close" -> {
					if (!this.returned) {
						this.returned = true;
						giveBack(this.target);
					}
					return null;
				}
				case "isClosed" -> {
					return this.returned || this.target.isClosed();
				}
				case "equals" -> {
					return proxy == args[0];
				}
				case "hashCode" -> {
					return System.identityHashCode(proxy);
				}
				default -> {
					if (this.returned) {
						throw new SQLException("connection already returned to the pool");
					}
					try {
						return method.invoke(this.target, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				}
			}
		}

	}

}

package io.sipfleet.control;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of tests that run on every database: write them as
 * {@code @ParameterizedTest @MethodSource("databases") void x(Databases.Db db)}.
 * The databases live for the class; tests stay independent by creating their own accounts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DatabaseTest {

    private static final AtomicInteger SEQ = new AtomicInteger();

    protected final MutableClock clock = MutableClock.atDefaultStart();
    private Databases databases;

    @BeforeAll
    void openDatabases() {
        databases = Databases.forClass(getClass());
    }

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    protected List<Databases.Db> databases() {
        return databases.all();
    }

    /** A unique email, so tests sharing a database never collide. */
    protected static String email() {
        return "ops" + SEQ.incrementAndGet() + "-" + System.nanoTime() + "@example.com";
    }
}

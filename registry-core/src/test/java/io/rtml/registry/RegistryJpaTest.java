package io.rtml.registry;

import io.rtml.testing.TestDatabase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the {@code @DataJpaTest}s of registry-core's queries, on the real PostgreSQL: the fresh
 * database of this test JVM ({@link TestDatabase}), migrated by Flyway with the real migrations.
 * Each test runs in a transaction rolled back at its end. Hibernate counts statements, for tests
 * that check how many a read costs.
 */
@DataJpaTest(properties = "spring.jpa.properties.hibernate.generate_statistics=true")
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
public abstract class RegistryJpaTest {

    @Autowired
    private DataSource dataSource;

    @Autowired
    private EntityManager entityManager;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.get();
        registry.add("spring.datasource.url", db::jdbcUrl);
        registry.add("spring.datasource.username", db::username);
        registry.add("spring.datasource.password", db::password);
    }

    /**
     * The schema's refusal of {@code change}, which runs after a savepoint so that the test's
     * transaction goes on after it; fails when the change is accepted.
     */
    protected DataIntegrityViolationException refusal(Runnable change) {
        Connection connection = DataSourceUtils.getConnection(dataSource); // the test transaction's
        try {
            Savepoint savepoint = connection.setSavepoint();
            try {
                change.run();
            } catch (DataIntegrityViolationException refused) {
                connection.rollback(savepoint);
                entityManager.clear(); // forget the refused entity, or the next flush would send it again
                return refused;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("the change was accepted");
    }
}

package io.rtml.deployer.support;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Counts the statements a deployer prepares (each is one round trip to PostgreSQL; a JDBC batch is
 * one statement) by wrapping its real DataSource: install with {@link #initializer()} when the
 * deployer starts ({@link Deployers#start(String, java.util.Map, ApplicationContextInitializer)}).
 */
public final class StatementCounter {

    private final Map<Thread, AtomicLong> prepared = new ConcurrentHashMap<>();

    /**
     * Statements prepared on {@code thread} so far: a job or a round run on one thread is counted
     * apart from the queue poll and lease renewals that go on beside it.
     */
    public long count(Thread thread) {
        AtomicLong count = prepared.get(thread);
        return count == null ? 0 : count.get();
    }

    /**
     * Statements prepared so far on every thread whose name passes {@code threadName}: the threads
     * of a pool, or every thread but the scheduler's (the queue poll, lease renewals) and the test's.
     */
    public long countWhere(java.util.function.Predicate<String> threadName) {
        return prepared.entrySet().stream().filter(e -> threadName.test(e.getKey().getName()))
                .mapToLong(e -> e.getValue().get()).sum();
    }

    public ApplicationContextInitializer<ConfigurableApplicationContext> initializer() {
        return context -> context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof DataSource dataSource ? counting(dataSource) : bean;
            }
        });
    }

    private DataSource counting(DataSource real) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    return result instanceof Connection connection ? counting(connection) : result;
                });
    }

    private Connection counting(Connection real) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") || method.getName().equals("createStatement")
                            || method.getName().equals("prepareCall")) {
                        prepared.computeIfAbsent(Thread.currentThread(), t -> new AtomicLong()).incrementAndGet();
                    }
                    return invoke(real, method, args);
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

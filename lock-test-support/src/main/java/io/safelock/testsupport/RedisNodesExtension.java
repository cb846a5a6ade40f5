package io.safelock.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: starts the nodes once per test class (see {@link Count}), heals any node a
 * previous test killed or paused before each test, injects {@link RedisNodes} as a parameter and
 * stops every process after the class, whether its tests passed or not.
 */
public final class RedisNodesExtension implements ParameterResolver, BeforeEachCallback, AfterAllCallback {

    /** How many nodes the annotated test class needs (default 1). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface Count {
        int value() default 1;
    }

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RedisNodesExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RedisNodes.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return nodes(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        nodes(context).healAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        RedisNodes nodes = classStore(context).remove("nodes", RedisNodes.class);
        if (nodes != null) {
            nodes.close();
        }
    }

    private RedisNodes nodes(ExtensionContext context) {
        ExtensionContext.Store store = classStore(context);
        RedisNodes nodes = store.get("nodes", RedisNodes.class);
        if (nodes == null) {
            Class<?> testClass = context.getRequiredTestClass();
            Count count = testClass.getAnnotation(Count.class);
            nodes = RedisNodes.start(count == null ? 1 : count.value());
            store.put("nodes", nodes);
        }
        return nodes;
    }

    private static ExtensionContext.Store classStore(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext.getStore(NAMESPACE);
    }
}

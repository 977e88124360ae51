package io.syncboot.autoconfigure.client;

import java.util.function.Supplier;

import io.syncboot.client.SyncDatabase;
import io.syncboot.client.SyncSession;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers, for each session under {@code sync.sessions}, a {@link SyncDatabase} bean
 * ({@code <name>SyncDatabase}) and a {@link SyncSession} bean ({@code <name>SyncSession}), both
 * qualified by the session's name and taken from the {@link SyncSessions} registry.
 */
class SyncSessionBeansRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

	private @Nullable Environment environment;

	private @Nullable BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Environment environment = this.environment;
		BeanFactory beanFactory = this.beanFactory;
		if (environment == null || beanFactory == null) {
			return;
		}
		for (String name : SyncClientCondition.sessionNames(Binder.get(environment))) {
			register(registry, name + "SyncDatabase", name, SyncDatabase.class,
					() -> beanFactory.getBean(SyncSessions.class).database(name));
			register(registry, name + "SyncSession", name, SyncSession.class,
					() -> beanFactory.getBean(SyncSessions.class).session(name));
		}
	}

	private static <T> void register(BeanDefinitionRegistry registry, String beanName, String qualifier, Class<T> type,
			Supplier<T> supplier) {
		if (registry.containsBeanDefinition(beanName)) {
			return;
		}
		RootBeanDefinition definition = new RootBeanDefinition(type, supplier);
		definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, qualifier));
		definition.setDestroyMethodName("");
		definition.setDependsOn("syncSessions");
		registry.registerBeanDefinition(beanName, definition);
	}

}

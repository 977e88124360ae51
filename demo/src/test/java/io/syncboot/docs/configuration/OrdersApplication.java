package io.syncboot.docs.configuration;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application under test of {@link OrderSyncTests}, the sample in docs/configuration.md. */
@SpringBootApplication
public class OrdersApplication {

}

package io.syncboot.docs.readme;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application around {@link StockCounts}, the sample in README.md. */
@SpringBootApplication
public class InventoryApplication {

}

package io.syncboot.starter.readme;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application of the README's example.
 */
@SpringBootApplication
public class ReadmeApplication {

}
